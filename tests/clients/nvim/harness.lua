-- What tests/clients/nvim/test.lua and menus.lua share: where the repository and the server
-- binary are, and the `ok - …` / `not ok - …` lines ending in `N passed, M failed` that
-- tests/clients/run.sh looks for. Loaded with dofile (the scripts run with -u NONE).

local M = {}

local here = vim.fs.dirname(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p'))
M.REPO = vim.fs.normalize(vim.fn.fnamemodify(here .. '/../../..', ':p'))
local bin = os.getenv('ESSAY_LSP_BIN')
M.BIN = vim.fn.fnamemodify(bin and bin ~= '' and bin or (M.REPO .. '/target/debug/essay-lsp'), ':p')
M.VERBOSE = os.getenv('ESSAY_LSP_TEST_VERBOSE')

M.passed, M.failed = 0, 0

function M.out(s)
  io.stdout:write(s .. '\n')
  io.stdout:flush()
end

function M.pass(line)
  M.passed = M.passed + 1
  M.out('ok - ' .. line)
end

function M.fail(line)
  M.failed = M.failed + 1
  M.out('not ok - ' .. line)
end

-- With ESSAY_LSP_TEST_VERBOSE or after a failure: the last N lines of the Neovim LSP log.
function M.log_tail(n)
  if not (M.VERBOSE or M.failed > 0) then
    return
  end
  local path = vim.lsp.get_log_path()
  local log = vim.fn.filereadable(path) == 1 and vim.fn.readfile(path) or {}
  M.out(('--- %s (last %d lines) ---'):format(path, n))
  for i = math.max(1, #log - n + 1), #log do
    M.out(log[i])
  end
end

-- The summary line, then quit with a non-zero status on any failure.
function M.finish()
  M.out(('%d passed, %d failed'):format(M.passed, M.failed))
  vim.cmd('cquit ' .. (M.failed > 0 and 1 or 0))
end

return M
