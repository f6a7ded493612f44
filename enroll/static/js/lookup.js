/* Ask the lookup API about a point and write the answer into a box, as text (never HTML). */
function enrollLookupPoint(apiUrl, lon, lat, boxId) {
  var url = apiUrl + "?lon=" + Number(lon).toFixed(6) + "&lat=" + Number(lat).toFixed(6);
  return fetch(url).then(function (r) { return r.json(); }).then(function (data) {
    var box = document.getElementById(boxId);
    box.textContent = "";
    (data.matches || []).forEach(function (m) {
      var p = document.createElement("p"), a = document.createElement("a");
      a.href = "/schools/" + encodeURIComponent(m.school.id);
      a.textContent = m.school.name;
      p.appendChild(a);
      p.appendChild(document.createTextNode(" — " + m.basis.text));
      box.appendChild(p);
    });
    (data.caveats || []).concat(data.error ? [data.error] : []).forEach(function (c) {
      var p = document.createElement("p");
      p.className = "flash";
      p.textContent = c.message;
      box.appendChild(p);
    });
    box.scrollIntoView({block: "nearest"});  // the answer sits above the map: bring it into view
  });
}
