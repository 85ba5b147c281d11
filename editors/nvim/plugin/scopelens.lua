-- Commands only; the server starts once you call require('scopelens').setup{}.
if vim.g.loaded_scopelens then
  return
end
vim.g.loaded_scopelens = true

vim.api.nvim_create_user_command('ScopelensChain', function(args)
  require('scopelens').chain(args.args ~= '' and args.args or nil)
end, {
  nargs = '?',
  complete = function()
    return { 'float', 'quickfix' }
  end,
  desc = 'scopelens: the scope chain at the cursor (float or quickfix)',
})

vim.api.nvim_create_user_command('ScopelensOuter', function()
  require('scopelens').outer()
end, { desc = 'scopelens: go to the binding the one under the cursor shadows' })

vim.api.nvim_create_user_command('ScopelensToggleHints', function()
  require('scopelens').toggle_hints()
end, { desc = 'scopelens: capture inlay hints on/off' })

vim.api.nvim_create_user_command('ScopelensHeap', function(args)
  require('scopelens.heap').load(args.args)
end, {
  nargs = '?',
  complete = 'file',
  desc = 'scopelens: load a V8 heap snapshot (.heapsnapshot) for hover and code lenses; no argument clears it',
})
