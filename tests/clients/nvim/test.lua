-- essay-lsp in a real Neovim (0.11+), set up the way a user would set up editors/nvim.
--
--   ESSAY_LSP_BIN=target/debug/essay-lsp ESSAY_LSP_NVIM_MODE=enable|setup \
--     nvim --headless -u NONE -i NONE -c 'luafile tests/clients/nvim/test.lua'
--
-- (tests/clients/run.sh does this with the XDG dirs in a temporary folder.)
-- Mode `enable`: vim.lsp.config() + vim.lsp.enable('essay_lsp') (lsp/essay_lsp.lua);
-- mode `setup`:  require('essay_lsp').setup{ cmd = … } (lua/essay_lsp/init.lua).
-- Prints one line per test and last `N passed, M failed`; exits non-zero on any failure.

local H = dofile(vim.fs.dirname(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p')) .. '/harness.lua')
local REPO, BIN, finish = H.REPO, H.BIN, H.finish
local MODE = os.getenv('ESSAY_LSP_NVIM_MODE') or 'enable'

local function test(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    H.pass('[' .. MODE .. '] ' .. name)
  else
    H.fail('[' .. MODE .. '] ' .. name .. '\n    ' .. tostring(err):gsub('\n', '\n    '))
  end
  return ok
end

local function check(cond, msg, ...)
  if not cond then
    error(select('#', ...) > 0 and msg:format(...) or msg, 2)
  end
end

local function eq(actual, expected, what)
  if not vim.deep_equal(actual, expected) then
    error(('%s: expected %s, got %s'):format(what or 'value', vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

local function main()
  -- Environment: filetype detection on (a user's config has it; -u NONE does not) ------------

  vim.o.showmode = false
  vim.o.shortmess = vim.o.shortmess .. 'cF'
  vim.cmd('filetype plugin indent on')

  -- A workspace with a root marker and the draft.
  local WORK = vim.fn.tempname()
  vim.fn.mkdir(WORK .. '/.git', 'p')
  local DRAFT = WORK .. '/学习心得.md'
  local draft_lines = vim.fn.readfile(REPO .. '/tests/clients/fixtures/draft.md')
  vim.fn.writefile(draft_lines, DRAFT)
  local NOTES = WORK .. '/notes.txt'
  vim.fn.writefile({ '20xx年XX县脱贫攻坚工作总结' }, NOTES)

  local exit_code, exit_signal
  local function on_exit(code, signal)
    exit_code, exit_signal = code, signal
  end

  local setup_ok = test('load editors/nvim (' .. MODE .. ') and find the binary', function()
    check(vim.fn.executable(BIN) == 1, 'essay-lsp binary not executable: %s (set ESSAY_LSP_BIN)', BIN)
    vim.opt.runtimepath:prepend(REPO .. '/editors/nvim')
    if MODE == 'setup' then
      require('essay_lsp').setup({ cmd = BIN })
      vim.lsp.config('essay_lsp', { on_exit = on_exit })
    else
      vim.lsp.config('essay_lsp', { cmd = { BIN, '--stdio' }, on_exit = on_exit })
      vim.lsp.enable('essay_lsp')
    end
  end)
  if not setup_ok then
    return finish()
  end

  -- Helpers --------------------------------------------------------------------------------

  local function get_client(bufnr)
    return vim.lsp.get_clients({ bufnr = bufnr, name = 'essay_lsp' })[1]
  end

  local client -- the essay_lsp client, once attached

  local function wait_diagnostics(bufnr, pred, what, ms)
    local last, stopped
    local ok = vim.wait(ms or 20000, function()
      last = vim.diagnostic.get(bufnr)
      stopped = client ~= nil and client:is_stopped()
      return stopped or pred(last)
    end, 50)
    if stopped and not pred(last) then
      error(('the server stopped (exit code %s) while waiting for %s'):format(tostring(exit_code), what), 2)
    end
    if not ok then
      local brief = vim.tbl_map(function(d)
        return { code = d.code, lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col, source = d.source }
      end, last or {})
      error(('timed out waiting for %s; diagnostics now: %s'):format(what, vim.inspect(brief)), 2)
    end
    return last
  end

  local function with_code(diags, code)
    return vim.tbl_filter(function(d)
      return d.code == code
    end, diags)
  end

  local function line_of(bufnr, lnum)
    return vim.api.nvim_buf_get_lines(bufnr, lnum, lnum + 1, false)[1]
  end

  local function find_line(bufnr, text)
    for i, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
      if l == text then
        return i - 1
      end
    end
    error('line not found: ' .. text, 2)
  end

  -- Waits for a diagnostic with CODE and returns the first one on line LNUM (failing without).
  local function diagnostic_on(bufnr, lnum, code)
    local diags = wait_diagnostics(bufnr, function(d)
      return #with_code(d, code) > 0
    end, 'a ' .. code .. ' diagnostic')
    local hit = vim.tbl_filter(function(d)
      return d.lnum == lnum
    end, with_code(diags, code))[1]
    check(hit, 'no ' .. code .. ' diagnostic on line %d: %s', lnum, vim.inspect(diags))
    return hit
  end

  --- Byte column (0-based) of `needle` in line `lnum`.
  local function byte_col(bufnr, lnum, needle)
    local s = line_of(bufnr, lnum):find(needle, 1, true)
    check(s, '%s not on line %d', needle, lnum)
    return s - 1
  end

  local function request_sync(bufnr, client, method, params)
    local resp = vim.lsp.buf_request_sync(bufnr, method, params, 10000)
    check(resp, '%s: no response in 10 s', method)
    local r = resp[client.id]
    check(r, '%s: no response from essay_lsp: %s', method, vim.inspect(resp))
    check(not r.err, '%s failed: %s', method, vim.inspect(r.err))
    return r.result
  end

  -- Open the draft --------------------------------------------------------------------------

  vim.cmd.edit(vim.fn.fnameescape(DRAFT))
  local buf = vim.api.nvim_get_current_buf()

  if not test('attaches to a markdown buffer with root_markers', function()
    eq(vim.bo[buf].filetype, 'markdown', 'filetype')
    check(vim.wait(15000, function()
      client = get_client(buf)
      return client ~= nil and client.initialized == true
    end, 50), 'essay_lsp did not attach/initialize within 15 s (see %s)', vim.lsp.get_log_path())
    eq(client.root_dir, vim.fs.normalize(WORK), 'root_dir')
    -- Neovim offers utf-8, utf-16 and utf-32 (utf-8 first); the server picks one it supports.
    check(vim.tbl_contains({ 'utf-8', 'utf-16', 'utf-32' }, client.offset_encoding), 'offset_encoding %s', client.offset_encoding)
    eq(client.server_capabilities.positionEncoding or 'utf-16', client.offset_encoding, 'positionEncoding / offset_encoding')
    local triggers = vim.tbl_get(client.server_capabilities, 'completionProvider', 'triggerCharacters') or {}
    check(vim.tbl_contains(triggers, '，'), 'trigger characters lack ，: %s', vim.inspect(triggers))
  end) then
    return finish()
  end

  test('diagnostics: placeholder 20xx at line 2, col 0–4', function()
    local lnum = find_line(buf, '20xx年，我有幸参加了县里组织的脱贫攻坚专题培训。')
    local hit = diagnostic_on(buf, lnum, 'placeholder')
    eq({ hit.lnum, hit.col, hit.end_lnum, hit.end_col }, { lnum, 0, lnum, 4 }, 'placeholder range (bytes)')
    eq(hit.source, 'essay-lsp', 'source')
  end)

  test('diagnostics: sentence copied from the seed corpus', function()
    local lnum = find_line(buf, draft_lines[5])
    local hit = diagnostic_on(buf, lnum, 'copied-from-corpus')
    eq(hit.col, 0, 'copy starts at 今 (byte col)')
    eq(hit.end_lnum, lnum, 'copy ends on the same line')
    local reach = byte_col(buf, lnum, '画圆满') + #'画圆满'
    check(hit.end_col >= reach, 'copy ends at byte %d, before 画圆满 (%d)', hit.end_col, reach)
  end)

  test('diagnostics: boilerplate and repeated-in-document', function()
    local diags = wait_diagnostics(buf, function(d)
      return #with_code(d, 'boilerplate') > 0 and #with_code(d, 'repeated-in-document') > 0
    end, 'boilerplate and repeated-in-document diagnostics')
    local residue = find_line(buf, '本文仅供参考，欢迎阅读。')
    check(#vim.tbl_filter(function(d)
      return d.lnum == residue and d.col == 0
    end, with_code(diags, 'boilerplate')) > 0, 'no boilerplate diagnostic at the start of line %d', residue)
    local rep = find_line(buf, draft_lines[11])
    check(#vim.tbl_filter(function(d)
      return d.lnum == rep
    end, with_code(diags, 'repeated-in-document')) > 0, 'no repeated-in-document diagnostic on line %d', rep)
  end)

  test('essayLsp/status sets b:essay_lsp_summary', function()
    check(vim.wait(20000, function()
      return vim.b[buf].essay_lsp_summary ~= nil
    end, 50), 'no essayLsp/status notification for the buffer')
    check(vim.b[buf].essay_lsp_summary:find('复制比', 1, true), 'summary: %s', vim.b[buf].essay_lsp_summary)
    local ratio = vim.b[buf].essay_lsp_copy_ratio
    check(type(ratio) == 'number' and ratio > 0 and ratio <= 1, 'copyRatio %s', vim.inspect(ratio))
  end)

  test('hover: 两不愁三保障 → 不愁吃', function()
    local lnum = find_line(buf, draft_lines[7])
    local col = byte_col(buf, lnum, '两不愁三保障') + #'两不'
    vim.api.nvim_win_set_cursor(0, { lnum + 1, col })
    local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
    eq(params.position, { line = lnum, character = vim.str_utfindex(line_of(buf, lnum), client.offset_encoding, col) }, 'hover position')
    local result = request_sync(buf, client, 'textDocument/hover', params)
    check(result and result.contents, 'hover returned nothing')
    local c = result.contents
    local text = type(c) == 'string' and c or c.value or table.concat(vim.tbl_map(function(x)
      return type(x) == 'string' and x or x.value
    end, c), '\n')
    check(text:find('不愁吃', 1, true), 'hover lacks 不愁吃: %s', text)
  end)

  --- Completion at the end of line `lnum` through the LSP client; accepts the first item the way
  --- Neovim orders them (sortText, then label) by applying its textEdit.
  local function complete_line_end(lnum)
    local line = line_of(buf, lnum)
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = lnum, character = vim.str_utfindex(line, client.offset_encoding) },
      context = { triggerKind = 2, triggerCharacter = '，' },
    }
    local result = request_sync(buf, client, 'textDocument/completion', params)
    check(result, 'completion returned nil')
    local items = result.items or result
    check(#items > 0, 'no completion items at %s', vim.inspect(params.position))
    local starts = {}
    for _, item in ipairs(items) do
      local te = item.textEdit
      check(te, 'item without textEdit: %s', vim.inspect(item))
      starts[(te.range or te.insert).start.character] = true
    end
    check(vim.tbl_count(starts) == 1, 'items do not share one textEdit start (Neovim then ignores them): %s', vim.inspect(vim.tbl_keys(starts)))
    table.sort(items, function(a, b)
      return (a.sortText or a.label) < (b.sortText or b.label)
    end)
    local te = items[1].textEdit
    local range = te.range or te.insert
    -- The edit must start on a character boundary and the phrase must begin with the text it
    -- replaces (Neovim filters by that prefix).
    local enc = client.offset_encoding
    local start_byte = vim.str_byteindex(line, enc, range.start.character, false)
    eq(vim.str_utfindex(line, enc, start_byte, false), range.start.character, 'textEdit start on a character boundary')
    local typed = line:sub(start_byte + 1)
    check(vim.startswith(te.newText, typed), 'newText %s does not begin with the replaced text %s', te.newText, typed)
    vim.lsp.util.apply_text_edits({ { range = range, newText = te.newText } }, buf, client.offset_encoding)
    return line_of(buf, lnum), items[1]
  end

  test('completion: 小康不小康， → 关键看老乡 (apply_text_edits)', function()
    local lnum = find_line(buf, '小康不小康，')
    local line, first = complete_line_end(lnum)
    eq(line, '小康不小康，关键看老乡', 'line after accepting ' .. vim.inspect(first))
  end)

  test('completion: 𠀀小康不小康， → 关键看老乡 (astral char before)', function()
    local lnum = find_line(buf, '𠀀小康不小康，')
    local line, first = complete_line_end(lnum)
    eq(line, '𠀀小康不小康，关键看老乡', 'line after accepting ' .. vim.inspect(first))
  end)

  --- Types `keys` (normal-mode keys that enter insert mode, then text) like a user, waits for
  --- the completion menu, selects the first item with <C-n> if none is selected, accepts it with
  --- <C-y> and leaves insert mode. Returns the items shown (or nil on timeout).
  local function type_and_accept(keys, timeout_ms)
    local shown
    local t0 = vim.uv.now()
    local timer = assert(vim.uv.new_timer())
    timer:start(30, 30, vim.schedule_wrap(function()
      if timer:is_closing() then
        return
      end
      if vim.fn.pumvisible() == 1 then
        timer:stop()
        timer:close()
        local info = vim.fn.complete_info({ 'selected', 'items' })
        shown = info.items
        vim.api.nvim_feedkeys(vim.keycode((info.selected == -1 and '<C-n>' or '') .. '<C-y><Esc>'), 'n', false)
      elseif vim.uv.now() - t0 > timeout_ms then
        timer:stop()
        timer:close()
        vim.api.nvim_feedkeys(vim.keycode('<Esc>'), 'n', false)
      end
    end))
    -- 'x!': execute the keys and stay in insert mode until the timer leaves it.
    vim.api.nvim_feedkeys(keys, 'tx!', false)
    return shown
  end

  test('typing: 小康不小康， opens the menu (trigger character), <C-y> gives 关键看老乡', function()
    vim.api.nvim_win_set_cursor(0, { vim.api.nvim_buf_line_count(buf), 0 })
    local shown = type_and_accept('o小康不小康，', 5000)
    check(shown, 'no completion menu within 5 s after typing 小康不小康，')
    eq(vim.api.nvim_get_current_line(), '小康不小康，关键看老乡', 'line after <C-y>')
  end)

  test('typing: 小康不 (Chinese, no trigger character) opens the menu after a pause', function()
    vim.api.nvim_win_set_cursor(0, { vim.api.nvim_buf_line_count(buf), 0 })
    local shown = type_and_accept('o小康不', 5000)
    check(shown, 'no completion menu within 5 s after typing 小康不')
    local line = vim.api.nvim_get_current_line()
    check(vim.startswith(line, '小康不小康'), 'line after <C-y>: %s (menu: %s)', line, vim.inspect(vim.tbl_map(function(i)
      return i.word
    end, shown)))
  end)

  --- Waits for the report split, checks it and closes it.
  local function expect_report()
    local report
    check(vim.wait(10000, function()
      for _, b in ipairs(vim.api.nvim_list_bufs()) do
        if vim.api.nvim_buf_is_loaded(b) and vim.api.nvim_buf_get_name(b):find('essay-lsp://report/', 1, true) then
          report = b
          return true
        end
      end
      return false
    end, 50), 'no report buffer')
    local text = table.concat(vim.api.nvim_buf_get_lines(report, 0, -1, false), '\n')
    check(text:find('复制比', 1, true), 'report lacks 复制比: %s', text)
    eq(vim.bo[report].filetype, 'markdown', 'report filetype')
    eq(#vim.lsp.get_clients({ bufnr = report }), 0, 'clients attached to the report buffer')
    vim.api.nvim_buf_delete(report, { force = true })
    vim.api.nvim_set_current_buf(buf)
  end

  test(':EssayLspReport opens the 复制比 report', function()
    vim.api.nvim_set_current_buf(buf)
    vim.cmd('EssayLspReport')
    expect_report()
  end)

  test('code lens on line 1 shows 复制比 and running it opens the report', function()
    local lenses = request_sync(buf, client, 'textDocument/codeLens', { textDocument = { uri = vim.uri_from_bufnr(buf) } })
    local lens = vim.tbl_filter(function(l)
      return l.range.start.line == 0
    end, lenses or {})[1]
    check(lens and lens.command, 'no resolved code lens on line 0: %s', vim.inspect(lenses))
    check(lens.command.title:match('复制比%s*[%d.]+%%'), 'code lens title: %s', lens.command.title)
    client:exec_cmd(lens.command, { bufnr = buf })
    expect_report()
  end)

  test('incremental sync: 𠀀 before 20xx moves the placeholder by 4 bytes', function()
    vim.api.nvim_set_current_buf(buf)
    local lnum = find_line(buf, '20xx年，我有幸参加了县里组织的脱贫攻坚专题培训。')
    vim.api.nvim_buf_set_text(buf, lnum, 0, lnum, 0, { '𠀀' })
    wait_diagnostics(buf, function(d)
      return #vim.tbl_filter(function(x)
        return x.lnum == lnum and x.col == 4 and x.end_col == 8
      end, with_code(d, 'placeholder')) > 0
    end, 'placeholder at bytes 4–8 of line ' .. lnum)
  end)

  test('plain text (.txt, filetype text) is checked too', function()
    vim.cmd.edit(vim.fn.fnameescape(NOTES))
    local notes = vim.api.nvim_get_current_buf()
    eq(vim.bo[notes].filetype, 'text', 'filetype')
    wait_diagnostics(notes, function(d)
      return #with_code(d, 'placeholder') > 0
    end, 'a placeholder diagnostic in notes.txt')
    eq(#vim.lsp.get_clients({ name = 'essay_lsp' }), 1, 'one client shared by both files (same root)')
    vim.cmd.buffer(buf)
  end)

  test('workspace/didChangeConfiguration: disabling placeholder removes it', function()
    client.settings.essayLsp.checks.disabled = { 'placeholder' }
    client:notify('workspace/didChangeConfiguration', { settings = client.settings })
    local diags = wait_diagnostics(buf, function(d)
      return #with_code(d, 'placeholder') == 0
    end, 'placeholder diagnostics to disappear')
    check(#with_code(diags, 'copied-from-corpus') > 0, 'copied-from-corpus should stay')
  end)

  test('stop: the server exits cleanly', function()
    client:stop()
    check(vim.wait(10000, function()
      return exit_code ~= nil
    end, 50), 'server did not exit within 10 s of shutdown')
    eq({ exit_code, exit_signal }, { 0, 0 }, 'exit code and signal')
  end)

  H.log_tail(40)
  vim.fn.delete(WORK, 'rf')
  finish()
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  H.fail('[' .. MODE .. '] test script error\n    ' .. tostring(err):gsub('\n', '\n    '))
end
finish()
