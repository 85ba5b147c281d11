-- :ScopelensHeap {path}: loads a V8 heap snapshot (.heapsnapshot) into the scopelens server for
-- this workspace; while it is loaded, hover on a function shows what its closures retain and
-- code lenses mark the biggest ones. :ScopelensHeap with no argument clears it. The server does
-- the reading and joining (off its message loop, with progress); this only asks and shows.
local M = {}

--- The server's answer for the loaded snapshot (nil: none), for statuslines:
--- `{ name, retainedBytes, totalBytes, functions, files, message }`.
M.loaded = nil

local function notify(msg, level)
  vim.notify('scopelens: ' .. msg, level or vim.log.levels.INFO)
end

local function scopelens_client()
  local scopelens = require('scopelens')
  return scopelens.client(0) or vim.lsp.get_clients({ name = 'scopelens' })[1]
end

--- Bytes as the server words them (`1.2 MB`), for the statusline.
local function human(n)
  if n < 1000 then
    return n .. ' B'
  end
  local units, v, i = { 'KB', 'MB', 'GB', 'TB' }, n / 1000, 1
  while v >= 1000 and i < #units do
    v, i = v / 1000, i + 1
  end
  return ('%.1f %s'):format(v, units[i])
end

--- `app.heapsnapshot 1.2 MB` while a snapshot is loaded, '' otherwise.
function M.status()
  if not M.loaded then
    return ''
  end
  return ('%s %s'):format(M.loaded.name, human(M.loaded.retainedBytes))
end

local group = vim.api.nvim_create_augroup('scopelens_heap', { clear = true })

local function refresh_lenses()
  vim.lsp.codelens.refresh()
end

local function set_loaded(answer)
  M.loaded = answer
  vim.api.nvim_clear_autocmds({ group = group })
  if answer then
    -- Lenses for buffers opened (or edited) while the snapshot is loaded.
    vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave' }, {
      group = group,
      callback = function(args)
        if require('scopelens').client(args.buf) then
          vim.lsp.codelens.refresh({ bufnr = args.buf })
        end
      end,
    })
  end
  refresh_lenses()
end

--- Loads the snapshot at `path` (relative to the current directory, `~` expanded); nil or ''
--- clears the loaded one.
function M.load(path)
  local client = scopelens_client()
  if not client then
    notify('no scopelens server is running: open a JavaScript or TypeScript file first', vim.log.levels.WARN)
    return
  end
  if not path or path == '' then
    client:request('scopelens/clearHeapSnapshot', nil, function(err)
      if err then
        notify('clearing the heap snapshot failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
        return
      end
      set_loaded(nil)
      notify('heap snapshot cleared')
    end)
    return
  end
  local full = vim.fn.fnamemodify(vim.fn.expand(path), ':p')
  notify('loading ' .. vim.fn.fnamemodify(full, ':t') .. ' …')
  client:request('scopelens/heapSnapshot', { path = full }, function(err, answer)
    if err then
      notify('heap snapshot: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    set_loaded(answer.loaded and answer or nil)
    notify(answer.message, answer.loaded and vim.log.levels.INFO or vim.log.levels.WARN)
  end)
end

return M
