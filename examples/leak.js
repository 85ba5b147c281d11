// The Meteor `replaceThing` leak: `unused` is never called, but it captures `originalThing`,
// so the Context that `someMethod` shares with it keeps every previous `theThing` alive.
let theThing = null;
function replaceThing() {
  const originalThing = theThing;
  const unused = function () {
    if (originalThing) console.log('hi');
  };
  theThing = {
    longStr: new Array(100000).join('*'),
    someMethod() {
      console.log('someMethod');
    },
  };
}
for (let i = 0; i < 20; i++) replaceThing();
require('node:v8').writeHeapSnapshot(process.argv[2] || 'leak.heapsnapshot');
