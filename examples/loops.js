for (let i = 0; i < 3; i++) setTimeout(() => console.log(i)); // i: a block environment per iteration
for (var j = 0; j < 3; j++) setTimeout(() => console.log(j)); // j: one binding shared by every closure

// The same loops inside a function: `k` is then captured from the function environment, and
// every closure shares that one binding (they all print 3), while each `n` is a fresh copy.
function countdown() {
  for (let n = 0; n < 3; n++) setTimeout(() => console.log(n));
  for (var k = 0; k < 3; k++) setTimeout(() => console.log(k));
}
countdown();
