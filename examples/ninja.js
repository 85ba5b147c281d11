var ninja = "Muneyoshi";
function skulk() {
  var action = "Skulking";
  function report() {
    var intro = "Aaaaa";
    console.log(intro, action, ninja);
  }
  report();
}
skulk();
