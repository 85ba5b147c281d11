-- scopelens for Neovim (>= 0.11): configures the scopelens language server with vim.lsp.config,
-- enables it, turns inlay hints on, and adds :ScopelensChain, :ScopelensOuter and
-- :ScopelensToggleHints, and links the semantic token modifiers of context colouring
-- (`@lsp.mod.captured`, `@lsp.mod.depth1`, ...) to default highlight groups. All analysis
-- happens in the server.
local M = {}

local NAME = 'scopelens'

local defaults = {
  -- The server command. nil: `scopelens` on PATH.
  cmd = nil,
  filetypes = { 'javascript', 'javascriptreact', 'typescript', 'typescriptreact' },
  root_markers = { 'package.json', 'jsconfig.json', 'tsconfig.json', '.git' },
  -- Forwarded to the server (initializationOptions and workspace/didChangeConfiguration). These
  -- are the server's own defaults (`scopelens --default-settings`; editors/nvim/test checks it).
  settings = {
    sourceKind = 'auto', -- 'auto' | 'script' | 'module' | 'commonjs'
    inlayHints = {
      closureCaptures = true, -- `captures: a, mut b` before each closure
      capturedUses = false, -- `↑owner` after each use of a captured variable
      allCaptures = false, -- also list module-level bindings and names of functions/classes/imports
    },
    -- Each pitfall diagnostic on or off, by code.
    diagnostics = {
      loopVarCapture = true, -- loop-var-capture
      tdz = true, -- tdz
      implicitGlobal = true, -- implicit-global
    },
    -- textDocument/inlineValue, for debugger clients that ask (nvim-dap plugins).
    inlineValues = { enabled = true },
  },
  -- Turn on Neovim's inlay hints in buffers scopelens attaches to.
  inlay_hints = true,
  -- :ScopelensChain shows the chain in a 'float' or the 'quickfix' list.
  chain = 'float',
  -- Extra fields merged into the vim.lsp.config entry (on_attach, capabilities, ...).
  lsp = {},
}

M.options = vim.deepcopy(defaults)

local function notify(msg, level)
  vim.notify('scopelens: ' .. msg, level or vim.log.levels.INFO)
end

--- The scopelens client attached to `bufnr` (default: current buffer).
function M.client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr or 0, name = NAME })[1]
end

local function resolve_cmd(cmd)
  if type(cmd) == 'function' then
    return cmd
  end
  if type(cmd) == 'string' then
    cmd = { cmd }
  end
  cmd = cmd and vim.deepcopy(cmd) or { 'scopelens', '--stdio' }
  local exe = vim.fn.exepath(cmd[1])
  if exe == '' then
    return nil,
      ('cannot find the language server `%s`. Build it with `cargo build --release` and pass '
        .. "require('scopelens').setup({ cmd = { '/path/to/target/release/scopelens' } }), "
        .. 'or put `scopelens` on PATH.'):format(cmd[1])
  end
  cmd[1] = exe
  if #cmd == 1 then
    table.insert(cmd, '--stdio')
  end
  return cmd
end

local function server_settings()
  return { scopelens = vim.deepcopy(M.options.settings) }
end

--- Position params for the cursor in the current window, in the client's encoding.
local function cursor_params(client)
  return vim.lsp.util.make_position_params(0, client.offset_encoding)
end

local function with_client(fn)
  local client = M.client(0)
  if not client then
    notify('not attached to this buffer (is it JavaScript or TypeScript?)', vim.log.levels.WARN)
    return
  end
  fn(client)
end

local function env_title(env)
  if env.owner ~= '' and env.owner ~= env.kind then
    return env.kind .. ' ' .. env.owner
  end
  return env.kind
end

--- Lines of the chain for display, and per line the binding (for jumping) it shows.
local function chain_lines(chain, uri)
  local lines, targets = {}, {}
  for i, env in ipairs(chain.environments or {}) do
    local title = env_title(env)
    local r = env.range
    local extra = env.dynamic and '  (dynamic: with/eval)' or ''
    table.insert(lines, ('%s%s  lines %d-%d%s'):format(i == 1 and '▸ ' or '  ', title, r.start.line + 1, r['end'].line + 1, extra))
    targets[#lines] = { uri = uri, range = env.range }
    for _, b in ipairs(env.bindings) do
      local flags = { b.declaration }
      if b.captured then
        table.insert(flags, 'captured')
      end
      if b.mutated then
        table.insert(flags, 'mutated')
      end
      if b.shadows then
        table.insert(flags, 'shadows outer')
      end
      -- What a debugger paused here finds: V8 drops outer variables no closure captures.
      if b.keptByV8 == false then
        table.insert(flags, 'not kept by V8: ' .. (b.notKeptReason or 'dropped'))
      end
      table.insert(lines, ('      %-16s %s  :%d'):format(b.name, table.concat(flags, ', '), b.range.start.line + 1))
      targets[#lines] = { uri = uri, range = b.range, binding = b }
    end
  end
  return lines, targets
end

local function jump(client, target)
  vim.lsp.util.show_document({ uri = target.uri, range = target.range }, client.offset_encoding, { focus = true })
end

local function show_chain_float(client, chain, uri)
  local lines, targets = chain_lines(chain, uri)
  if #lines == 0 then
    notify('no environments here')
    return
  end
  local origin = vim.api.nvim_get_current_win()
  local buf, win = vim.lsp.util.open_floating_preview(lines, 'scopelens-chain', {
    border = 'rounded',
    title = ' scope chain (innermost first) ',
    focus_id = 'scopelens-chain',
    close_events = { 'CursorMoved', 'BufHidden', 'InsertCharPre' },
  })
  vim.b[buf].scopelens_chain = true
  -- <CR> in the window (:ScopelensChain twice focuses it) jumps to the binding under the cursor.
  vim.keymap.set('n', '<CR>', function()
    local target = targets[vim.api.nvim_win_get_cursor(0)[1]]
    if not target then
      return
    end
    vim.api.nvim_win_close(win, true)
    if vim.api.nvim_win_is_valid(origin) then
      vim.api.nvim_set_current_win(origin)
    end
    jump(client, target)
  end, { buffer = buf, nowait = true, desc = 'scopelens: jump to this binding' })
  vim.keymap.set('n', 'q', '<cmd>close<cr>', { buffer = buf, nowait = true })
  return buf, win
end

local function show_chain_quickfix(chain, uri)
  local items = {}
  local filename = vim.uri_to_fname(uri)
  for _, env in ipairs(chain.environments or {}) do
    local title = env_title(env)
    table.insert(items, {
      filename = filename,
      lnum = env.range.start.line + 1,
      col = env.range.start.character + 1,
      text = title .. (env.dynamic and ' (dynamic)' or ''),
    })
    for _, b in ipairs(env.bindings) do
      table.insert(items, {
        filename = filename,
        lnum = b.range.start.line + 1,
        col = b.range.start.character + 1,
        text = ('  %s › %s (%s%s%s)'):format(
          title,
          b.name,
          b.declaration,
          b.captured and ', captured' or '',
          b.keptByV8 == false and ', not kept by V8' or ''
        ),
      })
    end
  end
  vim.fn.setqflist({}, ' ', { title = 'scopelens: scope chain', items = items })
  vim.cmd('botright copen')
end

--- Shows the scope chain at the cursor: `how` is 'float' (default from setup) or 'quickfix'.
function M.chain(how)
  how = how or M.options.chain
  with_client(function(client)
    local params = cursor_params(client)
    local uri = params.textDocument.uri
    client:request('scopelens/scopeChain', params, function(err, result)
      if err then
        notify('scopeChain failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
        return
      end
      if how == 'quickfix' or how == 'qf' then
        show_chain_quickfix(result or {}, uri)
      else
        show_chain_float(client, result or {}, uri)
      end
    end, 0)
  end)
end

--- Jumps to the binding that the binding under the cursor shadows.
function M.outer()
  with_client(function(client)
    client:request('scopelens/outerBinding', cursor_params(client), function(err, location)
      if err then
        notify('outerBinding failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      elseif location == nil or location == vim.NIL then
        notify(('`%s` shadows no outer binding'):format(vim.fn.expand('<cword>')))
      else
        jump(client, location)
      end
    end, 0)
  end)
end

--- Sends the current settings to every running scopelens client and redraws their inlay hints.
function M.push_settings()
  for _, client in ipairs(vim.lsp.get_clients({ name = NAME })) do
    client.settings = server_settings()
    client:notify('workspace/didChangeConfiguration', { settings = server_settings() })
    -- The server answers with workspace/inlayHint/refresh, but Neovim 0.11 can keep drawing the
    -- old hints of an unchanged buffer after it (a redraw between the refresh and the answer
    -- marks the stale lines as current). Re-enabling clears them and asks again; the server has
    -- the new settings by then, as it applies notifications in order.
    for bufnr in pairs(client.attached_buffers) do
      if vim.lsp.inlay_hint.is_enabled({ bufnr = bufnr }) then
        vim.lsp.inlay_hint.enable(false, { bufnr = bufnr })
        vim.lsp.inlay_hint.enable(true, { bufnr = bufnr })
      end
    end
  end
end

--- The capture hints as configured, while :ScopelensToggleHints has them off.
local hidden_hints

--- Capture hints off (if any are on) or back as configured (the closure hints if none were).
--- Changes this Neovim session's settings only.
function M.toggle_hints()
  local hints = M.options.settings.inlayHints
  local on = not (hints.closureCaptures or hints.capturedUses)
  if on then
    local before = hidden_hints or {}
    hints.closureCaptures, hints.capturedUses = before.closureCaptures, before.capturedUses
    if not (hints.closureCaptures or hints.capturedUses) then
      hints.closureCaptures = true
    end
    hidden_hints = nil
  else
    hidden_hints = { closureCaptures = hints.closureCaptures, capturedUses = hints.capturedUses }
    hints.closureCaptures, hints.capturedUses = false, false
  end
  M.push_settings()
  notify('capture hints ' .. (on and 'on' or 'off'))
end

--- Default looks for scopelens's semantic token modifiers (context colouring), as `default`
--- links: a colorscheme or the user's own `:hi @lsp.mod.captured ...` wins. Depth N is the
--- nesting depth of the function that declares the binding (0: top level, 5: five or deeper).
M.highlight_links = {
  ['@lsp.mod.captured'] = 'Underlined', -- a use of a binding from an outer function
  ['@lsp.mod.mutated'] = 'DiagnosticUnderlineWarn', -- a captured binding assigned later
  ['@lsp.mod.global'] = 'Constant', -- global or script environment, or undeclared
  ['@lsp.mod.dynamic'] = 'DiagnosticUnderlineError', -- looked up at run time (with, eval)
  ['@lsp.mod.depth1'] = 'Function',
  ['@lsp.mod.depth2'] = 'Type',
  ['@lsp.mod.depth3'] = 'Special',
  ['@lsp.mod.depth4'] = 'PreProc',
  ['@lsp.mod.depth5'] = 'Statement',
}

function M.define_highlights()
  for group, target in pairs(M.highlight_links) do
    vim.cmd(('highlight default link %s %s'):format(group, target))
  end
end

--- Response handlers for the scopelens client: a refused rename is shown as the server's
--- sentence ("scopelens: renaming `x` to `f` …"), without the JSON-RPC error code Neovim's
--- default handler puts in front.
M.handlers = {
  ['textDocument/rename'] = function(err, result, ctx, config)
    if err then
      if err.code ~= vim.lsp.protocol.ErrorCodes.ContentModified then
        notify(err.message or tostring(err.code), vim.log.levels.WARN)
      end
      return
    end
    return vim.lsp.handlers['textDocument/rename'](err, result, ctx, config)
  end,
}

function M.setup(opts)
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  local cmd, err = resolve_cmd(M.options.cmd)
  if not cmd then
    notify(err, vim.log.levels.ERROR)
    return false
  end
  vim.lsp.config(
    NAME,
    vim.tbl_deep_extend('force', {
      cmd = cmd,
      filetypes = M.options.filetypes,
      root_markers = M.options.root_markers,
      init_options = server_settings(),
      settings = server_settings(),
      handlers = M.handlers,
    }, M.options.lsp)
  )
  local group = vim.api.nvim_create_augroup('scopelens', { clear = true })
  M.define_highlights()
  -- A colorscheme clears highlights (`:hi clear`): link again after it.
  vim.api.nvim_create_autocmd('ColorScheme', { group = group, callback = M.define_highlights })
  vim.api.nvim_create_autocmd('LspAttach', {
    group = group,
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if client and client.name == NAME and M.options.inlay_hints then
        vim.lsp.inlay_hint.enable(true, { bufnr = args.buf })
      end
    end,
  })
  vim.lsp.enable(NAME)
  return true
end

return M
