-- essay-lsp for Neovim 0.10 and 0.11+.
--
--   require('essay_lsp').setup({
--     cmd = nil,            -- string or list; default { 'essay-lsp', '--stdio' }
--     settings = nil,       -- { essayLsp = { ... } } or just the inner { ... }
--     autocomplete = true,  -- completion menu while typing Chinese (built-in completion)
--   })
--
-- On 0.11+ this is vim.lsp.config('essay_lsp', …) + vim.lsp.enable('essay_lsp') on top of
-- lsp/essay_lsp.lua; on 0.10 a FileType autocmd calls vim.lsp.start() with the same config.

local M = {}

---@class essay_lsp.Options
---@field cmd? string|string[] server command; a string gets `--stdio` appended
---@field settings? table `{ essayLsp = {...} }` or the inner table
---@field filetypes? string[] default { 'markdown', 'text' }
---@field root_markers? string[] default { 'essay-lsp.toml', '.git' }
---@field autocomplete? boolean built-in as-you-type completion (default true); false with nvim-cmp/blink.cmp
---@field cjk_delay? integer ms after the last Chinese character before completion is requested (default 120)
---@field completeopt? boolean add menuone,noselect to 'completeopt' in essay buffers (default true)
local defaults = {
  autocomplete = true,
  cjk_delay = 120,
  completeopt = true,
}

---@type essay_lsp.Options
M.options = vim.deepcopy(defaults)

local has_011 = vim.lsp.config ~= nil and vim.lsp.enable ~= nil
local has_completion = vim.lsp.completion ~= nil and vim.lsp.completion.enable ~= nil

--- Client methods are called with `:` from 0.11 on and with `.` before.
---@param client vim.lsp.Client
---@param method string
local function client_call(client, method, ...)
  if vim.fn.has('nvim-0.11') == 1 then
    return client[method](client, ...)
  end
  return client[method](...)
end

--- The table in lsp/essay_lsp.lua (found on 'runtimepath').
---@return table
function M.base_config()
  local file = vim.api.nvim_get_runtime_file('lsp/essay_lsp.lua', false)[1]
  assert(file, 'essay_lsp: lsp/essay_lsp.lua is not on runtimepath; add editors/nvim to it')
  return dofile(file)
end

---@param opts essay_lsp.Options
---@return table overrides for the LSP config
local function config_overrides(opts)
  local o = {}
  if type(opts.cmd) == 'string' then
    o.cmd = { opts.cmd, '--stdio' }
  elseif type(opts.cmd) == 'table' then
    o.cmd = opts.cmd
  end
  if type(opts.settings) == 'table' then
    o.settings = { essayLsp = opts.settings.essayLsp or opts.settings }
  end
  o.filetypes = opts.filetypes
  o.root_markers = opts.root_markers
  return o
end

---@param opts? essay_lsp.Options
function M.setup(opts)
  opts = opts or {}
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts)
  local overrides = config_overrides(opts)

  local group = vim.api.nvim_create_augroup('essay_lsp', { clear = true })
  -- Also when a user's own on_attach replaced the one in lsp/essay_lsp.lua.
  vim.api.nvim_create_autocmd('LspAttach', {
    group = group,
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if client and client.name == 'essay_lsp' then
        M.attach(client, args.buf)
      end
    end,
  })

  if has_011 then
    vim.lsp.config('essay_lsp', overrides)
    vim.lsp.enable('essay_lsp')
    return
  end

  -- Neovim 0.10: start (or reuse) a client per root from a FileType autocmd.
  local config = vim.tbl_deep_extend('force', M.base_config(), overrides)
  config.name = 'essay_lsp'
  local function start(bufnr)
    if vim.bo[bufnr].buftype ~= '' then
      return
    end
    local c = vim.deepcopy(config)
    local fname = vim.api.nvim_buf_get_name(bufnr)
    c.root_dir = vim.fs.root(bufnr, c.root_markers)
      or (fname ~= '' and vim.fs.dirname(fname) or vim.uv.cwd())
    c.init_options = vim.tbl_get(c, 'settings', 'essayLsp')
    vim.lsp.start(c, { bufnr = bufnr })
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      start(args.buf)
    end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      start(bufnr)
    end
  end
end

-- Attaching: completion while typing -------------------------------------------------------

local attached = {} ---@type table<string, true>

---@param char string
---@return boolean
local function is_cjk(char)
  local cp = vim.fn.char2nr(char)
  return (cp >= 0x3400 and cp <= 0x4DBF) -- Extension A
    or (cp >= 0x4E00 and cp <= 0x9FFF) -- Unified Ideographs
    or (cp >= 0xF900 and cp <= 0xFAFF) -- Compatibility Ideographs
    or (cp >= 0x20000 and cp <= 0x3134F) -- Extensions B–G (𠀀 …)
end

---@param bufnr integer
local function set_completeopt(bufnr)
  local cot = vim.split(vim.o.completeopt, ',', { trimempty = true })
  for _, flag in ipairs({ 'menuone', 'noselect' }) do
    if not vim.tbl_contains(cot, flag) then
      table.insert(cot, flag)
    end
  end
  local value = table.concat(cot, ',')
  local info = vim.api.nvim_get_option_info2('completeopt', {})
  if info.scope == 'buf' or info.global_local then
    vim.api.nvim_set_option_value('completeopt', value, { buf = bufnr })
  else
    vim.o.completeopt = value -- 0.10: 'completeopt' is global only
  end
end

--- Requests completion the way the built-in client would on <C-x><C-o>.
local function trigger_completion()
  if has_completion then
    vim.lsp.completion.get()
  else
    vim.api.nvim_feedkeys(vim.keycode('<C-x><C-o>'), 'n', false)
  end
end

--- Called from on_attach (and LspAttach after setup()). Idempotent.
---@param client vim.lsp.Client
---@param bufnr integer
function M.attach(client, bufnr)
  local key = bufnr .. ':' .. client.id
  if attached[key] then
    return
  end
  attached[key] = true
  vim.api.nvim_create_autocmd('LspDetach', {
    buffer = bufnr,
    callback = function(args)
      if args.data.client_id == client.id then
        attached[key] = nil
      end
    end,
  })

  vim.api.nvim_buf_create_user_command(bufnr, 'EssayLspReport', function()
    M.show_report(bufnr)
  end, { desc = 'essay-lsp: 复制比报告 / copy report' })

  if not M.options.autocomplete then
    return
  end
  if M.options.completeopt then
    set_completeopt(bufnr)
  end
  if has_completion then
    -- Server trigger characters (，、,；;：:) through the built-in autotrigger.
    vim.lsp.completion.enable(true, client.id, bufnr, { autotrigger = true })
  end

  -- The built-in autotrigger fires only on trigger characters; Chinese words need an explicit
  -- request once the writer pauses. (0.10 has no autotrigger: handle trigger characters too.)
  local triggers = {}
  if not has_completion then
    for _, c in ipairs(vim.tbl_get(client.server_capabilities, 'completionProvider', 'triggerCharacters') or {}) do
      triggers[c] = true
    end
  end
  local timer = assert(vim.uv.new_timer())
  local group = vim.api.nvim_create_augroup('essay_lsp_complete_' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd('InsertCharPre', {
    group = group,
    buffer = bufnr,
    callback = function()
      local char = vim.v.char
      if not (is_cjk(char) or triggers[char]) then
        timer:stop()
        return
      end
      timer:stop()
      timer:start(
        triggers[char] and 25 or M.options.cjk_delay,
        0,
        vim.schedule_wrap(function()
          if
            vim.api.nvim_get_current_buf() == bufnr
            and vim.api.nvim_get_mode().mode:sub(1, 1) == 'i'
            and vim.fn.pumvisible() == 0
            and not client_call(client, 'is_stopped')
          then
            trigger_completion()
          end
        end)
      )
    end,
  })
  vim.api.nvim_create_autocmd({ 'InsertLeave', 'BufLeave' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      timer:stop()
    end,
  })
  vim.api.nvim_create_autocmd('LspDetach', {
    group = group,
    buffer = bufnr,
    callback = function(args)
      if args.data.client_id == client.id then
        timer:stop()
        if not timer:is_closing() then
          timer:close()
        end
        pcall(vim.api.nvim_del_augroup_by_id, group)
      end
    end,
  })
end

-- Report -----------------------------------------------------------------------------------

--- Asks the server for the 复制比 report of `bufnr` and shows it in a markdown scratch split.
---@param bufnr? integer
function M.show_report(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'essay_lsp' })[1]
  if not client then
    vim.notify('essay-lsp is not attached to this buffer', vim.log.levels.WARN)
    return
  end
  local params = { command = 'essayLsp.report', arguments = { vim.uri_from_bufnr(bufnr) } }
  client_call(client, 'request', 'workspace/executeCommand', params, function(err, result)
    if err or type(result) ~= 'string' then
      vim.notify('essay-lsp report failed: ' .. (err and err.message or vim.inspect(result)), vim.log.levels.ERROR)
      return
    end
    vim.cmd('botright new')
    local report = vim.api.nvim_get_current_buf()
    vim.bo[report].buftype = 'nofile'
    vim.bo[report].bufhidden = 'wipe'
    vim.bo[report].swapfile = false
    vim.api.nvim_buf_set_lines(report, 0, -1, false, vim.split(result, '\n', { plain = true }))
    vim.bo[report].modifiable = false
    vim.bo[report].filetype = 'markdown'
    pcall(vim.api.nvim_buf_set_name, report, 'essay-lsp://report/' .. bufnr)
  end, bufnr)
end

return M
