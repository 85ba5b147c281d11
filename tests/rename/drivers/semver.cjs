// Driver for the rename-and-run suite on semver (tests/rename/packages.mjs): requires the
// package's entry (which requires every module) and prints what a good sample of the functions
// and classes compute.
const semver = require('./index.js');
const Range = require('./classes/range');
const { compare } = require('./functions/compare');
const cmp = require('./functions/cmp');
const out = [];
const log = (...v) => out.push(JSON.stringify(v));
log(semver.valid('1.2.3'), semver.valid('a.b.c'), semver.clean('  =v1.2.3   '), semver.inc('1.2.3', 'prerelease', 'beta'));
log(semver.satisfies('1.2.3', '1.x || >=2.5.0 || 5.0.0 - 7.2.3'), semver.gt('1.2.3', '9.8.7'), semver.lt('1.2.3', '9.8.7'));
log(semver.minVersion('>=1.0.0'), semver.coerce('v2').version, semver.diff('1.2.3', '1.3.0'), semver.major('4.5.6'));
log(semver.maxSatisfying(['1.2.3', '1.2.4'], '~1.2.0'), semver.sort(['1.10.0', '1.2.0', '1.9.0']), semver.rsort(['1.0.0', '2.0.0']));
log(new Range('>=1.2.7 <1.3.0').test('1.2.8'), semver.intersects('>1.0.0', '<2.0.0'), semver.outside('1.2.3', '<1.0.0', '>'));
log(semver.simplifyRange(['1.0.0', '1.1.0', '1.2.0'], '>=1.0.0'), semver.subset('^1.2.0', '^1.0.0'), semver.validRange('1.x'));
log(new semver.SemVer('1.2.3-alpha.1+build').format(), semver.prerelease('1.2.3-alpha.1'), semver.parse('1.2.3').minor);
log(semver.compareBuild('1.0.0+a', '1.0.0+b'), semver.eq('1.0.0', '1.0.0'), semver.neq('1.0.0', '1.0.1'), semver.compareLoose('1.0.0', '1.0.1'));
log(semver.SEMVER_SPEC_VERSION, semver.RELEASE_TYPES, typeof semver.re, semver.toComparators('1.x'), semver.gtr('2.0.0', '1.x'));
log(semver.ltr('0.1.0', '1.x'), semver.minSatisfying(['1.2.3', '1.2.4'], '~1.2.0'), compare === undefined, cmp('1.0.0', '<', '2.0.0'));
log(new semver.Comparator('>=1.0.0').test('1.2.0'), semver.patch('1.2.3'), semver.rcompare('1.0.0', '2.0.0'), semver.gte('1.0.0', '1.0.0'));
console.log(out.join('\n'));
