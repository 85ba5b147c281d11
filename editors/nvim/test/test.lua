-- Tests the scopelens plugin in real headless Neovim against the built server. Checks what a user
-- sees: the screen grid (read back with screenstring() after a redraw), floating windows, the
-- cursor and the quickfix list. Run by test/run.sh:
--   nvim --headless --clean -l test/test.lua <repo root> <scopelens binary>
local root, server = arg[1], arg[2]
assert(root and server, 'usage: nvim -l test.lua <repo root> <scopelens binary>')
local plugin = root .. '/editors/nvim'
vim.opt.runtimepath:prepend(plugin)
vim.cmd('runtime plugin/scopelens.lua')
vim.cmd('filetype on')
vim.o.swapfile = false
vim.o.shortmess = vim.o.shortmess .. 'I'

local TIMEOUT = 10000
-- What the plugin tells the user, in order.
local notified = {}
vim.notify = function(msg)
  table.insert(notified, msg)
end
local passed, failed = 0, 0
local function say(s)
  io.stdout:write(s .. '\n')
end

local function test(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    passed = passed + 1
    say('ok   ' .. name)
  else
    failed = failed + 1
    say('FAIL ' .. name .. '\n' .. tostring(err))
  end
  -- Leave each test with no floats and one window.
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then
      pcall(vim.api.nvim_win_close, win, true)
    end
  end
  pcall(vim.cmd, 'cclose')
  pcall(vim.cmd, 'silent! only')
end

--- Waits until `pred()` is truthy (redrawing each time) or fails with `what`.
local screen
local function wait_for(what, pred, timeout)
  local result
  local ok = vim.wait(timeout or TIMEOUT, function()
    vim.cmd('redraw!')
    result = pred()
    return result
  end, 50)
  if not ok then
    error('timed out waiting for ' .. what .. '; the screen:\n' .. table.concat(screen(), '\n'), 2)
  end
  return result
end

--- The screen as the user sees it, one string per row.
function screen()
  local rows = {}
  for r = 1, vim.o.lines do
    local cells = {}
    for c = 1, vim.o.columns do
      cells[#cells + 1] = vim.fn.screenstring(r, c)
    end
    rows[r] = table.concat(cells)
  end
  return rows
end

local function screen_has(text)
  for _, row in ipairs(screen()) do
    if row:find(text, 1, true) then
      return row
    end
  end
end

--- The text of the visible floating window (hover, chain), and the window.
local function float()
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    local config = vim.api.nvim_win_get_config(win)
    if config.relative ~= '' and not config.hide then
      local buf = vim.api.nvim_win_get_buf(win)
      return { text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n'), win = win }
    end
  end
end

local function float_text()
  local f = float()
  return f and f.text
end

--- Opens a file and waits for scopelens to attach.
local function open(path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  wait_for('scopelens to attach to ' .. path, function()
    return require('scopelens').client(0) ~= nil
  end)
end

--- Puts the cursor on the `nth` occurrence of `word` on the first line matching `line_pattern`.
local function cursor_on(line_pattern, word, nth)
  local lnum = vim.fn.search(line_pattern, 'w')
  assert(lnum > 0, 'no line matching ' .. line_pattern)
  local line = vim.fn.getline(lnum)
  local col = 0
  for _ = 1, nth or 1 do
    col = assert(line:find('%f[%w_$]' .. word .. '%f[^%w_$]', col + 1), word .. ' not on line ' .. lnum)
  end
  vim.api.nvim_win_set_cursor(0, { lnum, col - 1 })
  return lnum, col
end

local function eq(expected, actual, what)
  if not vim.deep_equal(expected, actual) then
    error(('%s: expected %s, got %s'):format(what, vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

if os.getenv('SCOPELENS_TEST_LSP_LOG') then
  vim.lsp.set_log_level('debug')
end

local ok = require('scopelens').setup({ cmd = { server, '--stdio' } })
assert(ok, 'setup failed')

test('setup without a server binary explains the fix', function()
  local before = #notified
  local result = require('scopelens').setup({ cmd = { '/nonexistent/scopelens' } })
  local messages = vim.list_slice(notified, before + 1)
  eq(false, result, 'setup result')
  assert(messages[1] and messages[1]:find('cargo build --release', 1, true), vim.inspect(messages))
  assert(require('scopelens').setup({ cmd = { server, '--stdio' } }))
end)

test('attaches to examples/ninja.js with inlay hints enabled', function()
  open(root .. '/examples/ninja.js')
  assert(vim.lsp.inlay_hint.is_enabled({ bufnr = 0 }), 'inlay hints are off')
end)

test('the setup defaults are the server\'s own (scopelens --default-settings)', function()
  local out = vim.fn.system({ server, '--default-settings' })
  eq(0, vim.v.shell_error, 'exit status')
  eq(vim.json.decode(out), require('scopelens').options.settings, 'settings')
end)

test('inlay hints by default: "captures: action" on screen, no "↑skulk" use hint', function()
  local row = wait_for('the captures hint on screen', function()
    return screen_has('captures: action')
  end)
  assert(row:find('function report', 1, true), 'hint not on the report line: ' .. row)
  assert(not screen_has('↑'), 'a use hint with the default settings:\n' .. table.concat(screen(), '\n'))
end)

test('capturedUses on: "↑skulk" renders after the captured use', function()
  local settings = require('scopelens').options.settings
  settings.inlayHints.capturedUses = true
  require('scopelens').push_settings()
  local use = wait_for('the captured-use hint', function()
    return screen_has('↑skulk')
  end)
  assert(use:find('console.log(intro, action↑skulk', 1, true), 'hint not after action: ' .. use)
  settings.inlayHints.capturedUses = false
  require('scopelens').push_settings()
  wait_for('the use hint to go', function()
    return not screen_has('↑skulk')
  end)
end)

test('hover on `action` inside report: function environment of skulk', function()
  cursor_on('console.log', 'action')
  vim.lsp.buf.hover()
  local text = wait_for('the hover float', function()
    return float_text()
  end)
  local plain = text:gsub('[`*]', '')
  assert(plain:find('function environment of skulk', 1, true), text)
  assert(plain:find('captured by closure report', 1, true), text)
end)

test('go to definition from `action` inside report lands on its var (line 3)', function()
  cursor_on('console.log', 'action')
  vim.lsp.buf.definition()
  local pos = wait_for('the cursor to move', function()
    local p = vim.api.nvim_win_get_cursor(0)
    return p[1] ~= 6 and p
  end)
  local _, col = vim.fn.getline(3):find('action', 1, true)
  eq({ 3, col - #'action' }, pos, 'cursor')
end)

test(':ScopelensChain shows report, then skulk, then global, in a float', function()
  cursor_on('console.log', 'intro')
  vim.cmd('ScopelensChain')
  local text = wait_for('the chain float', function()
    return float_text()
  end)
  local report = text:find('function report', 1, true)
  local intro = text:find('intro', 1, true)
  local skulk = text:find('function skulk', 1, true)
  local action = text:find('action%s+var, captured')
  local global = text:find('global', 1, true)
  assert(report and intro and skulk and action and global, text)
  assert(report < intro and intro < skulk and skulk < action and action < global, 'order:\n' .. text)
end)

test('<CR> on a binding in the chain float jumps to it', function()
  cursor_on('console.log', 'intro')
  vim.cmd('ScopelensChain')
  local win = wait_for('the chain float', float).win
  vim.api.nvim_set_current_win(win)
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  for i, l in ipairs(lines) do
    if l:find('^%s+action ') then
      vim.api.nvim_win_set_cursor(win, { i, 0 })
    end
  end
  vim.api.nvim_feedkeys(vim.keycode('<CR>'), 'x', false)
  local pos = wait_for('the jump', function()
    local p = vim.api.nvim_win_get_cursor(0)
    return vim.api.nvim_win_get_config(0).relative == '' and p[1] == 3 and p
  end)
  eq(vim.fn.getline(3):find('action', 1, true) - 1, pos[2], 'column')
end)

test(':ScopelensChain quickfix lists every environment and binding', function()
  cursor_on('console.log', 'intro')
  vim.cmd('ScopelensChain quickfix')
  local items = wait_for('the quickfix list', function()
    local qf = vim.fn.getqflist()
    return #qf > 0 and qf
  end)
  local texts = vim.tbl_map(function(i)
    return i.text
  end, items)
  eq('function report', texts[1], 'first entry')
  local action
  for _, i in ipairs(items) do
    if i.text:find('skulk › action', 1, true) then
      action = i
    end
  end
  assert(action, vim.inspect(texts))
  eq(3, action.lnum, 'action line')
  assert(screen_has('function report'), 'quickfix window not on screen')
end)

test(':ScopelensChain at a pause in report: report itself is not kept by V8', function()
  cursor_on('console.log', 'intro')
  vim.cmd('ScopelensChain')
  local text = wait_for('the chain float', function()
    return float_text()
  end)
  -- skulk calls report directly: no closure captures the name, so V8 drops it from report's frame.
  assert(text:find('report%s+function, not kept by V8: no closure captures it'), text)
  assert(not text:find('action%s+var, captured, not kept'), text)
  vim.cmd('fclose!')
end)

test('textDocument/inlineValue at a pause on line 6 of ninja.js', function()
  local client = require('scopelens').client(0)
  local result = client:request_sync('textDocument/inlineValue', {
    textDocument = { uri = vim.uri_from_bufnr(0) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = 10, character = 0 } },
    context = {
      frameId = 1,
      stoppedLocation = { start = { line = 5, character = 4 }, ['end'] = { line = 5, character = 4 } },
    },
  }, 2000, 0)
  assert(result and not result.err, vim.inspect(result))
  local shown = {}
  for _, v in ipairs(result.result) do
    table.insert(shown, ('%d:%s'):format(v.range.start.line + 1, v.variableName or v.text))
  end
  -- `ninja` and `skulk` are global object properties (no lookup); `report` was dropped by V8.
  eq({
    '3:action',
    '4:not kept by V8: no closure captures it',
    '5:intro',
    '6:intro',
    '6:action',
  }, shown, 'inline values')
end)

test(':ScopelensToggleHints hides the hints; again brings them back', function()
  vim.cmd('ScopelensToggleHints')
  eq('scopelens: capture hints off', notified[#notified], 'message')
  wait_for('the hints to disappear', function()
    return not screen_has('captures: action')
  end)
  vim.cmd('ScopelensToggleHints')
  wait_for('the hints to come back', function()
    return screen_has('captures: action')
  end)
  -- Back as configured: the use hints stay off.
  eq({ closureCaptures = true, capturedUses = false, allCaptures = false }, require('scopelens').options.settings.inlayHints, 'hints')
end)

test(':ScopelensOuter jumps from the inner `x` to the one it shadows', function()
  open(plugin .. '/test/fixtures/shadow.js')
  cursor_on('return x', 'x')
  vim.cmd('ScopelensOuter')
  local pos = wait_for('the jump', function()
    local p = vim.api.nvim_win_get_cursor(0)
    return p[1] == 1 and p
  end)
  eq({ 1, 4 }, pos, 'cursor on the outer x')
  -- The outermost binding shadows nothing: the cursor stays.
  local before = #notified
  vim.cmd('ScopelensOuter')
  wait_for('the message', function()
    return #notified > before
  end)
  eq('scopelens: `x` shadows no outer binding', notified[#notified], 'message')
  eq({ 1, 4 }, vim.api.nvim_win_get_cursor(0), 'cursor after a second jump')
end)

test('TypeScript: hover in examples/shapes.ts names the module environment', function()
  open(root .. '/examples/shapes.ts')
  cursor_on('return PI', 'PI')
  vim.lsp.buf.hover()
  local text = wait_for('the hover float', function()
    return float_text()
  end)
  assert(text:gsub('[`*]', ''):find('module environment', 1, true), text)
end)

test('CommonJS: the chain in examples/counter.cjs includes the module wrapper', function()
  open(root .. '/examples/counter.cjs')
  cursor_on('count += 1', 'count')
  vim.cmd('ScopelensChain')
  local text = wait_for('the chain float', function()
    return float_text()
  end)
  assert(text:find('require', 1, true) and text:find('__dirname', 1, true), text)
end)

test('references from `action` list its var and both uses', function()
  open(root .. '/examples/ninja.js')
  cursor_on('console.log', 'action')
  vim.fn.setqflist({}, 'f') -- the chain test's list must not pass for the answer
  vim.lsp.buf.references({ includeDeclaration = true })
  local items = wait_for('the quickfix list of references', function()
    local qf = vim.fn.getqflist()
    return #qf > 0 and qf
  end)
  local lines = vim.tbl_map(function(i)
    return i.lnum
  end, items)
  assert(#items >= 2, vim.inspect(items))
  assert(vim.tbl_contains(lines, 3), 'the declaration on line 3: ' .. vim.inspect(lines))
  for _, i in ipairs(items) do
    local text = vim.fn.getbufline(i.bufnr, i.lnum)[1]:sub(i.col, i.col + #'action' - 1)
    eq('action', text, 'the text at reference ' .. i.lnum .. ':' .. i.col)
  end
end)

test('a captured use gets @lsp.mod.captured; the declaration does not', function()
  open(root .. '/examples/ninja.js')
  local lnum, col = cursor_on('console.log', 'action')
  -- Neovim's groups carry the filetype (`@lsp.mod.captured.javascript`); they fall back to
  -- `@lsp.mod.captured`, which the plugin links. Compared without the filetype.
  local function groups(row, c)
    local out = {}
    for _, t in ipairs(vim.inspect_pos(0, row - 1, c - 1).semantic_tokens) do
      out[#out + 1] = (t.opts.hl_group:gsub('%.javascript$', ''))
    end
    return out
  end
  local last
  local ok_use = vim.wait(TIMEOUT, function()
    vim.cmd('redraw!')
    last = groups(lnum, col)
    return vim.tbl_contains(last, '@lsp.mod.captured')
  end, 50)
  assert(ok_use, ('no @lsp.mod.captured at %d:%d: %s'):format(lnum, col, vim.inspect(last)))
  local at_use = last
  assert(vim.tbl_contains(at_use, '@lsp.type.variable'), vim.inspect(at_use))
  local decl = vim.fn.getline(3):find('action', 1, true)
  local at_decl = groups(3, decl)
  assert(vim.tbl_contains(at_decl, '@lsp.mod.declaration'), vim.inspect(at_decl))
  assert(not vim.tbl_contains(at_decl, '@lsp.mod.captured'), vim.inspect(at_decl))
  -- The default link is in place.
  eq('Underlined', vim.api.nvim_get_hl(0, { name = '@lsp.mod.captured' }).link, 'link')
end)

test('rename: every use renamed, and a conflicting name refused with the reason', function()
  open(plugin .. '/test/fixtures/shadow.js')
  cursor_on('return x', 'x')
  vim.lsp.buf.rename('inner')
  wait_for('the rename', function()
    return vim.fn.getline(3) == '  let inner = 2;' and vim.fn.getline(4) == '  return inner;'
  end)
  eq('let x = 1;', vim.fn.getline(1), 'the outer x is untouched')
  -- `x` on line 1 to `f` would collide with the function f.
  vim.api.nvim_win_set_cursor(0, { 1, 4 })
  local before = #notified
  vim.lsp.buf.rename('f')
  local message = wait_for('the refusal', function()
    for i = before + 1, #notified do
      if tostring(notified[i]):find('f', 1, true) then
        return notified[i]
      end
    end
  end)
  eq('let x = 1;', vim.fn.getline(1), 'nothing renamed after the refusal')
  -- The server's sentence, without the JSON-RPC error code in front.
  assert(message:find('^scopelens: [Tt]he use of `f` at line %d+ finds'), message)
  assert(not message:find('32803', 1, true), message)
  vim.cmd('silent! edit!')
end)

-- Cross-module: a small project with its own root marker (package.json), so the client started
-- for it has that folder as root_dir and sends it as the workspace folder.
do
  local project = root .. '/tests/fixtures/editors/cross-module'
  local function fname(path)
    return vim.fs.normalize(vim.uv.fs_realpath(path) or path)
  end
  local function current_file()
    return fname(vim.api.nvim_buf_get_name(0))
  end
  --- Runs go to definition and waits for the buffer to be `target` (a file of the project).
  local function definition_lands_in(target)
    local want = fname(project .. '/' .. target)
    vim.lsp.buf.definition()
    wait_for('the jump to ' .. target, function()
      return current_file() == want
    end)
    return vim.api.nvim_win_get_cursor(0)
  end
  local function hover_text()
    vim.lsp.buf.hover()
    return wait_for('the hover float', function()
      return float_text()
    end):gsub('[`*]', '')
  end

  test('cross-module: the client for the project has its folder as root and workspace folder', function()
    open(project .. '/src/main.mjs')
    local client = require('scopelens').client(0)
    eq(fname(project), fname(client.root_dir), 'root_dir')
    local folders = vim.tbl_map(function(f)
      return fname(vim.uri_to_fname(f.uri))
    end, client.workspace_folders or {})
    eq({ fname(project) }, folders, 'workspace folders')
  end)

  test('cross-module: go to definition on an imported name opens the exporting file at its function', function()
    open(project .. '/src/main.mjs')
    -- The use inside the loop, then the name in the import itself.
    for _, at in ipairs({ { 'console.log', 'greet' }, { '^import', 'greet' } }) do
      vim.cmd.edit(vim.fn.fnameescape(project .. '/src/main.mjs'))
      cursor_on(at[1], at[2])
      local pos = definition_lands_in('src/greet.mjs')
      eq({ 4, #'export function ' }, pos, 'cursor in greet.mjs from ' .. at[1])
      eq('export function greet(name) {', vim.fn.getline(pos[1]), 'line under the cursor')
    end
  end)

  test('cross-module: hover on the import names the binding in greet.mjs', function()
    open(project .. '/src/main.mjs')
    cursor_on('^import', 'greet')
    local text = hover_text()
    assert(text:find('module environment of src/greet.mjs', 1, true), text)
  end)

  test('cross-module: go to definition on lib.a lands in lib.cjs at function a', function()
    open(project .. '/src/use-lib.cjs')
    cursor_on('lib\\.a', 'a')
    local pos = definition_lands_in('src/lib.cjs')
    eq({ 3, #'function ' }, pos, 'cursor in lib.cjs')
    eq('function a(x) {', vim.fn.getline(pos[1]), 'line under the cursor')
  end)

  test('cross-module: hover on lib.a names lib.cjs', function()
    open(project .. '/src/use-lib.cjs')
    cursor_on('lib\\.a', 'a')
    local text = hover_text()
    assert(text:find('src/lib.cjs', 1, true), text)
  end)
end

-- The workspace index (issue 21): a small pnpm-style monorepo (tests/fixtures/editors/multi-package)
-- whose packages each have a package.json. Its root is marked by pnpm-workspace.yaml, which a
-- monorepo user puts first in root_markers so that one client serves every package.
do
  local project = root .. '/tests/fixtures/editors/multi-package'
  local function fname(path)
    return vim.fs.normalize(vim.uv.fs_realpath(path) or path)
  end
  local function rel(path)
    return fname(path):sub(#fname(project) + 2)
  end
  --- Waits for a non-empty quickfix list after `fn()` filled it (asking again while it is empty:
  --- the index may still be building).
  local function quickfix_after(what, fn)
    local asked = 0
    return wait_for(what, function()
      local qf = vim.fn.getqflist()
      if #qf > 0 then
        return qf
      end
      if vim.uv.now() - asked > 1000 then
        asked = vim.uv.now()
        fn()
      end
    end, 30000)
  end
  local markers = { 'pnpm-workspace.yaml', 'package.json', 'jsconfig.json', 'tsconfig.json', '.git' }
  assert(require('scopelens').setup({ cmd = { server, '--stdio' }, root_markers = markers }))

  test('multi-package: the client for a package file has the monorepo as root', function()
    open(project .. '/packages/app/main.js')
    eq(fname(project), fname(require('scopelens').client(0).root_dir), 'root_dir')
  end)

  test('multi-package: go to symbol in workspace finds class Spline and jumps to its file', function()
    open(project .. '/packages/app/main.js')
    vim.fn.setqflist({}, 'f')
    local items = quickfix_after('the workspace symbols for Spline', function()
      vim.lsp.buf.workspace_symbol('Spline')
    end)
    local found = vim.tbl_map(function(i)
      return ('%s:%d %s'):format(rel(vim.api.nvim_buf_get_name(i.bufnr)), i.lnum, i.text)
    end, items)
    eq('packages/geometry/src/spline.js:2 [Class] Spline', found[1], 'the best match first; all: ' .. vim.inspect(found))
    vim.cmd('silent cc 1')
    eq(fname(project .. '/packages/geometry/src/spline.js'), fname(vim.api.nvim_buf_get_name(0)), 'the file jumped to')
    eq('export class Spline {', vim.fn.getline('.'), 'the line under the cursor')
  end)

  test('multi-package: references of Spline list the re-export and the other package', function()
    open(project .. '/packages/geometry/src/spline.js')
    cursor_on('^export class', 'Spline')
    vim.fn.setqflist({}, 'f')
    local items = quickfix_after('the quickfix list of references', function()
      vim.lsp.buf.references({ includeDeclaration = true })
    end)
    local places = vim.tbl_map(function(i)
      return ('%s:%d:%d'):format(rel(vim.api.nvim_buf_get_name(i.bufnr)), i.lnum, i.col)
    end, items)
    table.sort(places)
    eq({
      'packages/app/main.js:1:10',
      'packages/app/main.js:3:19',
      'packages/geometry/index.js:1:10',
      'packages/geometry/src/spline.js:2:14',
    }, places, 'references')
  end)

  assert(require('scopelens').setup({ cmd = { server, '--stdio' } }))
end

-- A heap snapshot (issue 23): Node writes one of tests/heap/fixtures/app (three `escape` arrows
-- in siblings.js each keep a 50,000-element `big` alive that only `useBig` uses); :ScopelensHeap
-- loads it, hover on `=>` and a code lens show what the closures retain; :ScopelensHeap clears.
do
  local app = root .. '/tests/heap/fixtures/app'
  local scratch = vim.fn.tempname()
  vim.fn.mkdir(scratch, 'p')
  local snapshot = scratch .. '/app.heapsnapshot'
  local node = vim.system({ 'node', app .. '/main.mjs' }, { env = { SNAPSHOT = snapshot } }):wait()

  local function hover_plain()
    vim.lsp.buf.hover()
    return wait_for('the hover float', function()
      return float_text()
    end):gsub('[`*]', '')
  end

  --- The cursor on the arrow of `escape` (`=>` is no word for cursor_on).
  local function cursor_on_arrow()
    local lnum = vim.fn.search('const escape', 'w')
    assert(lnum > 0, 'no escape line')
    local col = assert(vim.fn.getline(lnum):find('=>', 1, true), 'no => on line ' .. lnum)
    vim.api.nvim_win_set_cursor(0, { lnum, col - 1 })
  end

  local function notified_since(before, pattern)
    return wait_for('a message matching ' .. pattern, function()
      for i = before + 1, #notified do
        if notified[i]:find(pattern) then
          return notified[i]
        end
      end
    end, 30000)
  end

  test(':ScopelensHeap loads a snapshot: hover on => shows the retained bytes, a lens marks escape', function()
    assert(node.code == 0, 'node failed: ' .. (node.stderr or ''))
    open(app .. '/siblings.js')
    cursor_on_arrow()
    local before = #notified
    vim.cmd('ScopelensHeap ' .. vim.fn.fnameescape(snapshot))
    local message = notified_since(before, '^scopelens: app%.heapsnapshot: ')
    assert(message:find('source functions with live closures', 1, true), message)
    assert(require('scopelens.heap').status():find('^app%.heapsnapshot %d'), require('scopelens.heap').status())
    local text = hover_plain()
    assert(text:find('Heap snapshot: 3 live instances retain', 1, true), text)
    assert(text:find('big %d[%d.]* MB — kept only for a sibling closure %(useBig captures it'), text)
    -- The lens, as virtual text on the line of `escape`.
    local hover = float()
    if hover then
      vim.api.nvim_win_close(hover.win, true)
    end
    -- (The screen is 80 columns wide: the end of the lens is cut off there.)
    local row = wait_for('the code lens on screen', function()
      return screen_has('retained by 3 instance')
    end)
    assert(row:find('const escape = ', 1, true), 'lens not on the escape line: ' .. row)
    local titles = vim.tbl_map(function(lens)
      return lens.command.title
    end, vim.lsp.codelens.get(0))
    local escape_lens = vim.iter(titles):find(function(t)
      return t:find('retained by 3 instances', 1, true)
    end)
    assert(escape_lens and escape_lens:find(' · kept alive: big (', 1, true), vim.inspect(titles))
  end)

  test(':ScopelensHeap with no argument clears: no lens, no heap section in the hover', function()
    open(app .. '/siblings.js')
    local before = #notified
    vim.cmd('ScopelensHeap')
    notified_since(before, '^scopelens: heap snapshot cleared')
    eq('', require('scopelens.heap').status(), 'status')
    wait_for('the lens to go', function()
      return not screen_has('retained by')
    end)
    cursor_on_arrow()
    local text = hover_plain()
    assert(not text:find('Heap snapshot', 1, true), text)
  end)

  test(':ScopelensHeap on a file that is not a snapshot says why', function()
    open(app .. '/siblings.js')
    local before = #notified
    vim.cmd('ScopelensHeap ' .. vim.fn.fnameescape(app .. '/siblings.js'))
    local message = notified_since(before, '^scopelens: heap snapshot: ')
    assert(message:find('not a V8 heap snapshot', 1, true), message)
  end)
  vim.fn.delete(scratch, 'rf')
end

say(('%d passed, %d failed'):format(passed, failed))
for _, client in ipairs(vim.lsp.get_clients()) do
  client:stop(true)
end
os.exit(failed == 0 and 0 or 1)
