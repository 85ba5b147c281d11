var outerValue = "samurai";
var later;
function outerFunction() {
  var innerValue = "ninja";
  function innerFunction() { console.log(outerValue, innerValue); }
  later = innerFunction;
}
outerFunction();
later();
