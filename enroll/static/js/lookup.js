/* Ask the lookup API about a point and write the answer into a box, as text (never HTML).
   The box's data-year-label and data-later-label ("…{year}…", translated by the page) label the
   year the answer is for and each later published year shown beside it. */
function enrollLookupPoint(apiUrl, lon, lat, boxId) {
  var url = apiUrl + "?lon=" + Number(lon).toFixed(6) + "&lat=" + Number(lat).toFixed(6);
  return fetch(url).then(function (r) { return r.json(); }).then(function (data) {
    var box = document.getElementById(boxId);
    box.textContent = "";
    function line(tag, text, className) {
      var el = document.createElement(tag);
      el.textContent = text;
      if (className) { el.className = className; }
      box.appendChild(el);
      return el;
    }
    function answer(result) {
      (result.matches || []).forEach(function (m) {
        var p = document.createElement("p"), a = document.createElement("a");
        a.href = "/schools/" + encodeURIComponent(m.school.id);
        a.textContent = m.school.name;
        p.appendChild(a);
        p.appendChild(document.createTextNode(" — " + m.basis.text));
        box.appendChild(p);
      });
      (result.caveats || []).concat(result.error ? [result.error] : []).forEach(function (c) {
        line("p", c.message, "flash");
      });
    }
    if (data.year && box.dataset.yearLabel) { line("p", box.dataset.yearLabel.replace("{year}", data.year), "muted"); }
    answer(data);
    (data.later || []).forEach(function (later) {
      line("h3", (box.dataset.laterLabel || "{year}:").replace("{year}", later.year));
      answer(later);
    });
    box.scrollIntoView({block: "nearest"});  // the answer sits above the map: bring it into view
  });
}

/* 使用我的位置: shown where the browser can tell the location; asks the lookup API named by the
   button's data-api about that point and answers in the #answer box. */
(function () {
  var button = document.getElementById("locate");
  if (!button || !("geolocation" in navigator)) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      enrollLookupPoint(button.dataset.api, pos.coords.longitude, pos.coords.latitude, "answer");
    });
  });
})();
