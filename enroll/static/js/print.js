/* A button marked data-print prints the page (the print styles leave out the site's header,
   navigation and forms). */
document.querySelectorAll("button[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
