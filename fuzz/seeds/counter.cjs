// CommonJS: the whole file runs inside Node's module wrapper function, so `require`, `module`,
// `exports`, `__filename` and `__dirname` are its parameters, and `count` is local to it.
const path = require("path");

let count = 0;

function increment() {
  count += 1;
  return count;
}

module.exports = { increment, name: path.basename(__filename) };
