-- Completion through the menus Neovim users run: the built-in one (editors/nvim's autocomplete),
-- nvim-cmp and blink.cmp, each set up exactly as editors/nvim/README.md says (the Lua code
-- block under the README heading is read and run; for blink.cmp only its matcher line becomes
-- `fuzzy = { implementation = 'lua' }`, as its prebuilt Rust matcher cannot be downloaded here).
--
--   ESSAY_LSP_BIN=target/debug/essay-lsp ESSAY_LSP_NVIM_MENU=builtin|cmp|blink \
--     nvim --headless -u NONE -i NONE -c 'luafile tests/clients/nvim/menus.lua'
--
-- nvim-cmp, cmp-nvim-lsp and blink.cmp are taken from $ESSAY_LSP_NVIM_PLUGINS, by default
-- `../shared/nvim-plugins` beside the repository. For every case of
-- tests/clients/fixtures/completion-cases.json the text is typed in insert mode one committed
-- input-method chunk at a time (nvim_feedkeys, K_SPECIAL bytes escaped: 、 is E3 80 81), the
-- first menu item is accepted, and the line must read as expected.
-- Prints one line per case and last `N passed, M failed`; exits non-zero on any failure.
-- ESSAY_LSP_CASE=text runs only the cases whose name contains it; ESSAY_LSP_CASES=file reads
-- the cases from another file of the same format.

local H = dofile(vim.fs.dirname(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p')) .. '/harness.lua')
local REPO, BIN, finish = H.REPO, H.BIN, H.finish
local MENU = os.getenv('ESSAY_LSP_NVIM_MENU') or 'builtin'
local PLUGINS = os.getenv('ESSAY_LSP_NVIM_PLUGINS')
PLUGINS = vim.fs.normalize(vim.fn.fnamemodify(
  PLUGINS and PLUGINS ~= '' and PLUGINS or (REPO .. '/../shared/nvim-plugins'), ':p'))
-- Pause between input-method commits, and how long a menu must stay unchanged before the
-- first item is accepted (responses to earlier chunks may still arrive).
local CHUNK_PAUSE_MS = 150
local SETTLE_MS = 300

local function fail_setup(msg)
  H.fail('[' .. MENU .. '] setup\n    ' .. msg:gsub('\n', '\n    '))
  finish()
end

-- The test runs in a coroutine so that Neovim's main loop processes the typed keys, the
-- plugins' timers and the server's responses between steps, as it does for a user.
local co
local function sleep(ms)
  vim.defer_fn(function()
    local ok, err = coroutine.resume(co)
    if not ok then
      fail_setup(debug.traceback(co, err))
    end
  end, ms)
  coroutine.yield()
end

local function wait_for(cond, timeout_ms)
  local t0 = vim.uv.now()
  while vim.uv.now() - t0 < timeout_ms do
    if cond() then
      return true
    end
    sleep(30)
  end
  return cond()
end

--- The first ```lua block after the line `heading` of editors/nvim/README.md.
local function readme_block(heading)
  local lines = vim.fn.readfile(REPO .. '/editors/nvim/README.md')
  local i = 1
  while i <= #lines and lines[i] ~= heading do
    i = i + 1
  end
  assert(i <= #lines, 'editors/nvim/README.md has no heading ' .. heading)
  while i <= #lines and lines[i] ~= '```lua' do
    i = i + 1
  end
  local block = {}
  for j = i + 1, #lines do
    if lines[j] == '```' then
      return table.concat(block, '\n')
    end
    block[#block + 1] = lines[j]
  end
  error('unterminated code block under ' .. heading)
end

-- Each menu: the README heading whose setup is run, the plugins it needs, and how the test
-- reads the menu and accepts its first item.
local menus = {
  builtin = {
    heading = '### Plain `init.lua`',
    plugins = {},
    items = function()
      if vim.fn.pumvisible() == 0 then
        return nil
      end
      return vim.tbl_map(function(i)
        return i.word
      end, vim.fn.complete_info({ 'items' }).items)
    end,
    accept = function()
      local selected = vim.fn.complete_info({ 'selected' }).selected
      vim.api.nvim_feedkeys(vim.keycode((selected == -1 and '<C-n>' or '') .. '<C-y>'), 'n', false)
    end,
  },
  cmp = {
    heading = '### nvim-cmp',
    plugins = { 'nvim-cmp', 'cmp-nvim-lsp' },
    runtime = { 'plugin/cmp.lua', 'after/plugin/cmp_nvim_lsp.lua' },
    items = function()
      local cmp = require('cmp')
      if not cmp.visible() then
        return nil
      end
      return vim.tbl_map(function(e)
        return e.filter_text .. ' → ' .. e:get_completion_item().label
      end, cmp.get_entries())
    end,
    accept = function()
      require('cmp').confirm({ select = true })
    end,
    -- Every case starts as in a fresh session: nvim-cmp ranks the items accepted before first.
    reset = function()
      require('cmp.config.compare').recently_used.records = {}
    end,
  },
  blink = {
    heading = '### blink.cmp',
    plugins = { 'blink.cmp' },
    runtime = { 'plugin/blink-cmp.lua' },
    -- The only change to the README's setup.
    rewrite = function(code)
      local n
      code, n = code:gsub("fuzzy = { implementation = '[%w_]+' }", "fuzzy = { implementation = 'lua' }")
      assert(n == 1, "the README's blink.cmp setup has no `fuzzy = { implementation = '…' }` line")
      return code
    end,
    items = function()
      local blink = require('blink.cmp')
      if not blink.is_menu_visible() then
        return nil
      end
      return vim.tbl_map(function(i)
        return (i.filterText or '') .. ' → ' .. i.label
      end, blink.get_items())
    end,
    accept = function()
      -- <C-y> in blink.cmp's default keymap.
      vim.api.nvim_feedkeys(vim.keycode('<C-y>'), 'm', false)
    end,
  },
}

local function main()
  local menu = menus[MENU]
  if not menu then
    return fail_setup('ESSAY_LSP_NVIM_MENU must be builtin, cmp or blink, not ' .. MENU)
  end
  if vim.fn.executable(BIN) ~= 1 then
    return fail_setup('essay-lsp binary not executable: ' .. BIN .. ' (set ESSAY_LSP_BIN)')
  end
  for _, name in ipairs(menu.plugins) do
    if vim.fn.isdirectory(PLUGINS .. '/' .. name) == 0 then
      return fail_setup(('%s not found in %s.\nPoint ESSAY_LSP_NVIM_PLUGINS at a folder holding checkouts of '
        .. 'nvim-cmp, cmp-nvim-lsp and blink.cmp, e.g.\n'
        .. '  git clone https://github.com/hrsh7th/nvim-cmp DIR/nvim-cmp\n'
        .. '  git clone https://github.com/hrsh7th/cmp-nvim-lsp DIR/cmp-nvim-lsp\n'
        .. '  git clone https://github.com/Saghen/blink.cmp DIR/blink.cmp\n'
        .. '  ESSAY_LSP_NVIM_PLUGINS=DIR tests/clients/run.sh'):format(name, PLUGINS))
    end
  end

  vim.o.showmode = false
  vim.o.shortmess = vim.o.shortmess .. 'cF'
  vim.cmd('filetype plugin indent on')
  -- The README's setups start `essay-lsp` from PATH.
  vim.env.PATH = vim.fs.dirname(BIN) .. ':' .. vim.env.PATH
  vim.opt.runtimepath:prepend(REPO .. '/editors/nvim')
  for _, name in ipairs(menu.plugins) do
    vim.opt.runtimepath:append(PLUGINS .. '/' .. name)
    vim.opt.runtimepath:append(PLUGINS .. '/' .. name .. '/after')
  end
  for _, file in ipairs(menu.runtime or {}) do
    vim.cmd.runtime(file)
  end
  local code = readme_block(menu.heading)
  if menu.rewrite then
    code = menu.rewrite(code)
  end
  local chunk, err = load(code, '=README ' .. menu.heading)
  if not chunk then
    return fail_setup(err)
  end
  chunk()

  local WORK = vim.fn.tempname()
  vim.fn.mkdir(WORK .. '/.git', 'p')
  local DRAFT = WORK .. '/体会.md'
  vim.fn.writefile({ '# 学习体会', '' }, DRAFT)
  vim.cmd.edit(vim.fn.fnameescape(DRAFT))
  local buf = vim.api.nvim_get_current_buf()
  local client
  if not wait_for(function()
    client = vim.lsp.get_clients({ bufnr = buf, name = 'essay_lsp' })[1]
    return client ~= nil and client.initialized
  end, 15000) then
    return fail_setup('essay_lsp did not attach to a markdown buffer within 15 s')
  end
  -- The phrase book is built in the background: the first request waits for it.
  client:request_sync('textDocument/completion', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 1, character = 0 },
  }, 30000, buf)

  local cases_file = os.getenv('ESSAY_LSP_CASES') or (REPO .. '/tests/clients/fixtures/completion-cases.json')
  local cases = vim.json.decode(table.concat(vim.fn.readfile(cases_file), '\n')).cases
  local only = os.getenv('ESSAY_LSP_CASE') -- run only the cases whose name contains this
  for _, case in ipairs(cases) do
    if only and only ~= '' and not case.name:find(only, 1, true) then
      goto next
    end
    if menu.reset then
      menu.reset()
    end
    -- A new last line, in insert mode.
    vim.api.nvim_feedkeys(vim.keycode('<Esc>Go'), 'n', false)
    sleep(50)
    local lnum = vim.api.nvim_buf_line_count(buf)
    for _, piece in ipairs(case.chunks) do
      -- escape_ks = true: the bytes of 、 (E3 80 81) hold K_SPECIAL (0x80).
      vim.api.nvim_feedkeys(piece, 'nt', true)
      sleep(CHUNK_PAUSE_MS)
    end
    -- Wait until no completion request is pending and a menu is shown that has not changed
    -- for SETTLE_MS.
    local function pending()
      for _, r in pairs(client.requests or {}) do
        if r.type == 'pending' and r.method == 'textDocument/completion' then
          return true
        end
      end
      return false
    end
    local shown, last, since = nil, nil, vim.uv.now()
    wait_for(function()
      local now = menu.items()
      local sig = (pending() and 'pending\n' or '') .. (now and table.concat(now, '\n') or '')
      if sig ~= last then
        last, since = sig, vim.uv.now()
      end
      shown = now
      return now ~= nil and #now > 0 and not pending() and vim.uv.now() - since >= SETTLE_MS
    end, 5000)
    local line
    if shown and #shown > 0 then
      menu.accept()
      sleep(300)
    end
    line = vim.api.nvim_buf_get_lines(buf, lnum - 1, lnum, false)[1]
    vim.api.nvim_feedkeys(vim.keycode('<Esc>'), 'n', false)
    sleep(50)
    if line == case.expected then
      H.pass(('[%s] %s: %s'):format(MENU, case.name, line))
    else
      H.fail(('[%s] %s: typed %s, expected %s, got %s\n    menu: %s'):format(MENU, case.name,
        table.concat(case.chunks), case.expected, vim.inspect(line),
        shown and vim.inspect(vim.list_slice(shown, 1, 5)) or 'none within 5 s'))
    end
    ::next::
  end

  H.log_tail(20)
  vim.fn.delete(WORK, 'rf')
  finish()
end

co = coroutine.create(main)
local ok, err = coroutine.resume(co)
if not ok then
  fail_setup(debug.traceback(co, err))
end
