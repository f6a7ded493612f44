/* Find one's own application number in a lottery's list, in the page itself: nothing is sent
   anywhere. Full-width characters and case are forgiven; the row found is scrolled to, marked and
   focused, and its place and result are said in a live region. */
(function () {
  var section = document.getElementById("find-number");
  if (!section) { return; }
  section.hidden = false;
  var form = section.querySelector("form"), input = section.querySelector("input"), out = section.querySelector("[data-out]");
  function plain(text) {
    return text.replace(/[\uFF01-\uFF5E]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
      .replace(/\s+/g, "").toUpperCase();
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var wanted = plain(input.value), found = null;
    document.querySelectorAll("tr.found").forEach(function (row) { row.classList.remove("found"); });
    document.querySelectorAll("main table tbody tr").forEach(function (row) {
      var cells = row.querySelectorAll("td");
      var number = cells.length === 4 ? cells[1] : cells[0];  // the order table starts with the place
      if (!found && wanted && plain(number.textContent) === wanted) { found = row; }
    });
    if (!found) { out.textContent = section.dataset.missing; return; }
    var cells = found.querySelectorAll("td");
    out.textContent = cells.length === 4
      ? section.dataset.found.replace("{n}", cells[0].textContent).replace("{result}", cells[3].textContent)
      : section.dataset.listed;
    found.classList.add("found");
    found.tabIndex = -1;
    found.scrollIntoView({block: "center"});
    found.focus();
  });
})();
