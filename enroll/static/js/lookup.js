/* Ask the lookup API about a point and write the answer into a box, as text (never HTML). */
function enrollLookupPoint(apiUrl, lon, lat, boxId) {
  var url = apiUrl + "?lon=" + Number(lon).toFixed(6) + "&lat=" + Number(lat).toFixed(6);
  return fetch(url).then(function (r) { return r.json(); }).then(function (data) {
    var box = document.getElementById(boxId);
    box.textContent = "";
    (data.matches || []).forEach(function (m) {
      var p = document.createElement("p");
      p.textContent = m.school.name + " — " + m.basis.text;
      box.appendChild(p);
    });
    (data.caveats || []).concat(data.error ? [data.error] : []).forEach(function (c) {
      var p = document.createElement("p");
      p.className = "flash";
      p.textContent = c.message;
      box.appendChild(p);
    });
  });
}
