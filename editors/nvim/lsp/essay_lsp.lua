-- essay-lsp config for Neovim 0.11+ (`:help lsp-config`). With editors/nvim on 'runtimepath':
--
--   vim.lsp.enable('essay_lsp')
--   -- optional overrides, merged into this table:
--   vim.lsp.config('essay_lsp', {
--     cmd = { vim.fn.expand('~/.cargo/bin/essay-lsp'), '--stdio' },
--     settings = { essayLsp = { copy = { minLength = 20 } } },
--   })
--
-- This file is self-contained: it can also be copied alone to ~/.config/nvim/lsp/essay_lsp.lua.
-- `settings.essayLsp` is sent as initializationOptions and through
-- workspace/didChangeConfiguration. Neovim 0.10: use require('essay_lsp').setup() instead.

---@type vim.lsp.Config
return {
  cmd = { 'essay-lsp', '--stdio' },
  filetypes = { 'markdown', 'text' },
  root_markers = { 'essay-lsp.toml', '.git' },
  settings = {
    essayLsp = {
      corpus = { paths = {}, includeBuiltin = true, includeWorkspace = false },
      glossary = { paths = {} },
      -- checks.severity: { ['copied-from-corpus'] = 'error', ... } (error|warning|information|hint)
      checks = { disabled = {} },
      copy = { minLength = 13 },
      formulaic = { extraPhrases = {} },
      ignore = { phrases = {} },
      diagnostics = { debounceMs = 150 },
    },
  },
  before_init = function(params, config)
    -- Follow whatever the user merged into `settings` with vim.lsp.config().
    params.initializationOptions = vim.tbl_get(config, 'settings', 'essayLsp') or vim.empty_dict()
  end,
  commands = {
    -- The 复制比 code lens (vim.lsp.codelens.run()) runs this: show the report instead of
    -- sending the command to the server and dropping its answer.
    ['essayLsp.report'] = function(_, ctx)
      local ok, plugin = pcall(require, 'essay_lsp')
      if ok then
        plugin.show_report(ctx.bufnr)
      else
        vim.notify('essay_lsp: the report needs lua/essay_lsp (editors/nvim) on runtimepath', vim.log.levels.WARN)
      end
    end,
  },
  handlers = {
    -- Sent after each analysis: keep the summary for the statusline, e.g.
    --   vim.o.statusline = '%f %=%{get(b:, "essay_lsp_summary", "")} '
    ['essayLsp/status'] = function(_, params, ctx)
      if type(params) ~= 'table' or type(params.uri) ~= 'string' then
        return
      end
      local client = vim.lsp.get_client_by_id(ctx.client_id)
      for bufnr in pairs(client and client.attached_buffers or {}) do
        if vim.uri_from_bufnr(bufnr) == params.uri then
          vim.b[bufnr].essay_lsp_summary = params.summary
          vim.b[bufnr].essay_lsp_copy_ratio = params.copyRatio
          vim.api.nvim_exec_autocmds('User', {
            pattern = 'EssayLspStatus',
            modeline = false,
            data = { bufnr = bufnr, client_id = ctx.client_id, status = params },
          })
        end
      end
    end,
  },
  on_attach = function(client, bufnr)
    local ok, plugin = pcall(require, 'essay_lsp')
    if ok then
      plugin.attach(client, bufnr)
    elseif vim.lsp.completion and vim.lsp.completion.enable then
      -- This file was copied without the rest of the plugin: plain autotrigger on ，、；： etc.
      vim.lsp.completion.enable(true, client.id, bufnr, { autotrigger = true })
    end
  end,
}
