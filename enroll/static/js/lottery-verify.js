/* Re-run a published lottery in the parent's own browser (docs/lottery.md), independently of the
   server's own check: fetch the lottery's JSON, recompute the list hash, the seed commitment and the
   draw order with the Web Crypto API, and write each result as text into a live region. */
(function () {
  var section = document.getElementById("browser-check");
  if (!section) { return; }
  var button = section.querySelector("button");
  var out = section.querySelector("[data-out]");
  var say = section.dataset;
  var enc = new TextEncoder();

  function hex(buffer) {
    return Array.from(new Uint8Array(buffer), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }
  function sha256(text) { return crypto.subtle.digest("SHA-256", enc.encode(text)).then(hex); }
  function compare(a, b) { return a < b ? -1 : a > b ? 1 : 0; }  // application numbers are ASCII
  function line(ok, yes, no) {
    var li = document.createElement("li");
    li.textContent = (ok ? "✓ " : "✗ ") + (ok ? yes : no);
    return li;
  }

  function run(doc) {
    var numbers = doc.applications.map(String);
    var listText = numbers.slice().sort(compare).map(function (n) { return n + "\n"; }).join("");
    return Promise.all([
      sha256(listText),
      sha256(doc.seed),
      crypto.subtle.importKey("raw", enc.encode(doc.seed), {name: "HMAC", hash: "SHA-256"}, false, ["sign"])
        .then(function (key) {
          return Promise.all(numbers.map(function (n) {
            return crypto.subtle.sign("HMAC", key, enc.encode(n)).then(function (sig) { return [hex(sig), n]; });
          }));
        })
    ]).then(function (parts) {
      var order = parts[2].sort(function (a, b) { return compare(a[0], b[0]) || compare(a[1], b[1]); })
        .map(function (pair) { return pair[1]; });
      var listOk = parts[0] === doc.list_hash, seedOk = parts[1] === doc.commitment;
      var orderOk = listOk && order.length === doc.order.length && order.every(function (n, i) { return n === doc.order[i]; });
      var ul = document.createElement("ul");
      ul.appendChild(line(listOk, say.listOk, say.listBad));
      ul.appendChild(line(seedOk, say.seedOk, say.seedBad));
      ul.appendChild(line(orderOk, say.orderOk, say.orderBad));
      var verdict = document.createElement("p");
      verdict.textContent = listOk && seedOk && orderOk ? say.ok : say.bad;
      out.textContent = "";
      out.appendChild(ul);
      out.appendChild(verdict);
    });
  }

  button.addEventListener("click", function () {
    if (!(window.crypto && crypto.subtle)) { out.textContent = say.unsupported; return; }
    button.disabled = true;
    out.textContent = say.working;
    fetch(section.dataset.url).then(function (r) { return r.json(); }).then(run)
      .catch(function () { out.textContent = say.failed; })
      .then(function () { button.disabled = false; });
  });
  section.hidden = false;
})();
