// Small page behaviours: the acting-as switcher submits on change, and the inbox
// badge follows the server's count when the live stream exists.
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
  var badge = document.getElementById("inbox-count");
  if (badge && badge.dataset.live && window.EventSource) {
    var es = new EventSource(badge.dataset.live);
    es.addEventListener("counts", function (ev) { update(ev.data); });
    window.addEventListener("pagehide", function () { es.close(); });
  }
  function update(data) {
    var n;
    try { n = JSON.parse(data).inbox; } catch (e) { return; }
    if (typeof n === "number" && !isNaN(n)) { badge.textContent = String(n); }
  }
  // A form submitted twice (a double click) would only be refused by the server; say so at once.
  document.querySelectorAll("form[method=post]").forEach(function (f) {
    f.addEventListener("submit", function () {
      f.querySelectorAll("button[type=submit]").forEach(function (b) {
        setTimeout(function () { b.disabled = true; }, 0);
      });
    });
  });
})();
