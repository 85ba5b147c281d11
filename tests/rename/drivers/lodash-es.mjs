// Driver for the rename-and-run suite on lodash-es (tests/rename/packages.mjs): loading the
// barrel links every module of the package (a renamed export that an importer still asks for by
// its old name is a SyntaxError at link time), and the calls below print what a good sample of
// the functions compute.
import * as _ from './lodash.js';
import lodash from './lodash.default.js';
import dropWhile from './dropWhile.js';
import { chunk, sortBy, template, cloneDeep, merge, isEqual, get, set } from './lodash.js';

const out = [];
const log = (...v) => out.push(JSON.stringify(v));
log(chunk([1, 2, 3, 4, 5], 2), dropWhile([1, 2, 3, 1], (n) => n < 3));
log(sortBy([{ a: 3 }, { a: 1 }, { a: 2 }], 'a'), _.uniq([2, 1, 2, 3]), _.flattenDeep([1, [2, [3, [4]]]]));
log(template('hello <%= user %>!')({ user: 'fred' }), _.camelCase('Foo Bar'), _.kebabCase('fooBar'));
const deep = { a: [{ b: { c: 3 } }] };
log(isEqual(cloneDeep(deep), deep), merge({ a: [{ b: 2 }] }, { a: [{ c: 3 }] }), get(deep, 'a[0].b.c'));
log(set({}, 'x.y[1]', 5), _.groupBy([6.1, 4.2, 6.3], Math.floor), _.countBy(['one', 'two', 'three'], 'length'));
log(_.zip(['a', 'b'], [1, 2]), _.pick({ a: 1, b: 2, c: 3 }, ['a', 'c']), _.omit({ a: 1, b: 2 }, 'a'));
log(_.range(0, 20, 5), _.sum([4, 2, 8]), _.meanBy([{ n: 4 }, { n: 6 }], 'n'), _.clamp(-10, -5, 5));
log(_.padStart('7', 3, '0'), _.truncate('hi-diddly-ho there, neighborino', { length: 24 }), _.escape('<a>'));
log(_.intersection([2, 1], [2, 3]), _.difference([2, 1], [2, 3]), _.xor([2, 1], [2, 3]), _.union([2], [1, 2]));
log(_.debounce !== undefined, _.memoize((n) => n * 2)(4), _.curry((a, b, c) => a + b + c)(1)(2)(3));
log(_.partition([1, 2, 3, 4], (n) => n % 2), _.keyBy([{ id: 'a' }], 'id'), _.mapValues({ a: 1 }, (v) => v + 1));
log(_.toPairs({ a: 1 }), _.fromPairs([['b', 2]]), _.invert({ a: 'x' }), _.defaultsDeep({ a: { b: 2 } }, { a: { c: 3 } }));
log(lodash.VERSION, lodash.chain([3, 1, 2]).sortBy().map((n) => n * 10).value(), _.isPlainObject({}));
log(_.words('fred, barney, & pebbles'), _.startCase('--foo-bar--'), _.upperFirst('fred'), _.times(3, String));
log(_.orderBy([{ u: 'b', a: 1 }, { u: 'a', a: 2 }], ['u'], ['asc']), _.findLastIndex([1, 2, 3], (n) => n < 3));
console.log(out.join('\n'));
