/* A form's answer, sent back on the page after a POST (the own-result check): the block marked
   data-focus-on-load is scrolled to and focused, so a phone shows it at once and a screen reader
   reads it out. Without this script the form's #answer target still scrolls to it. */
(function () {
  var answer = document.querySelector("[data-focus-on-load]");
  if (!answer) { return; }
  answer.scrollIntoView({block: "start"});
  answer.focus({preventScroll: true});
})();
