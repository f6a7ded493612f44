/* Ask the lookup API about a point and write the answer into a box, as text (never HTML), as the
   page writes an address's answer: each school with its stage and the basis (the clause or the
   zone, its year and version), the caveats, "did you mean" links; a pin marks the point on the map.
   Every label comes translated from the box's data attributes ("…{year}…" placeholders):
   data-year-label, data-later-label, data-stages (JSON), data-rule-basis, data-zone-basis,
   data-pin-label, data-suggest-label. */
var enrollPin = null;

function enrollFill(template, values) {
  return (template || "").replace(/\{(\w+)\}/g, function (all, key) {
    return values[key] === undefined || values[key] === null ? all : String(values[key]);
  });
}

function enrollMarkPoint(map, lon, lat, label) {
  if (!map || typeof L === "undefined") { return; }
  if (enrollPin) { enrollPin.setLatLng([lat, lon]); } else {
    enrollPin = L.marker([lat, lon], {title: label, alt: label, keyboard: false}).addTo(map);
  }
}

function enrollLookupPoint(apiUrl, lon, lat, boxId, map) {
  var box = document.getElementById(boxId);
  var url = apiUrl + "?lon=" + Number(lon).toFixed(6) + "&lat=" + Number(lat).toFixed(6);
  enrollMarkPoint(map || window.enrollMap, lon, lat, box.dataset.pinLabel || "");
  return fetch(url).then(function (r) { return r.json(); }).then(function (data) {
    var stages = JSON.parse(box.dataset.stages || "{}");
    box.textContent = "";
    function line(tag, text, className) {
      var el = document.createElement(tag);
      el.textContent = text;
      if (className) { el.className = className; }
      box.appendChild(el);
      return el;
    }
    function answer(result) {
      var list = document.createElement("ul");
      list.className = "matches";
      (result.matches || []).forEach(function (m) {
        var li = document.createElement("li"), strong = document.createElement("strong"), a = document.createElement("a");
        a.href = "/schools/" + encodeURIComponent(m.school.id);
        a.textContent = m.school.name;
        strong.appendChild(a);
        li.appendChild(strong);
        li.appendChild(document.createTextNode("（" + (stages[m.stage] || m.stage) + "）"));
        li.appendChild(document.createElement("br"));
        var plan = m.basis.plan || {};
        var template = m.basis.type === "rule" ? box.dataset.ruleBasis : box.dataset.zoneBasis;
        li.appendChild(document.createTextNode(enrollFill(template, {year: plan.year, v: plan.version, text: m.basis.text})));
        list.appendChild(li);
      });
      if (list.children.length) { box.appendChild(list); }
      (result.caveats || []).concat(result.error ? [result.error] : []).forEach(function (c) {
        line("p", c.message, "flash");
      });
      if ((result.suggestions || []).length) {
        var p = line("p", box.dataset.suggestLabel || "");
        result.suggestions.forEach(function (s, i) {
          var a = document.createElement("a");
          a.href = "?q=" + encodeURIComponent(s);
          a.textContent = s;
          if (i) { p.appendChild(document.createTextNode("、")); }
          p.appendChild(a);
        });
      }
    }
    if (data.year && box.dataset.yearLabel) { line("p", enrollFill(box.dataset.yearLabel, {year: data.year}), "muted"); }
    answer(data);
    (data.later || []).forEach(function (later) {
      line("h3", enrollFill(box.dataset.laterLabel || "{year}:", {year: later.year}));
      answer(later);
    });
    box.scrollIntoView({block: "nearest"});  // the answer sits above the map: bring it into view
  });
}

/* 使用我的位置: shown where the browser can tell the location; asks the lookup API named by the
   button's data-api about that point and answers in the #answer box. A refusal or failure says so
   in the box (data-denied / data-unavailable), with what to do instead. */
(function () {
  var button = document.getElementById("locate");
  if (!button || !("geolocation" in navigator)) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var box = document.getElementById("answer");
    navigator.geolocation.getCurrentPosition(function (pos) {
      var lon = pos.coords.longitude, lat = pos.coords.latitude;
      if (window.enrollMap) { window.enrollMap.setView([lat, lon], Math.max(window.enrollMap.getZoom(), 16)); }
      enrollLookupPoint(button.dataset.api, lon, lat, "answer");
    }, function (error) {
      box.textContent = "";
      var p = document.createElement("p");
      p.className = "flash error";
      p.textContent = error.code === 1 ? button.dataset.denied : button.dataset.unavailable;
      box.appendChild(p);
      box.scrollIntoView({block: "nearest"});
    }, {timeout: 15000, maximumAge: 60000});
  });
})();
