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
    if (typeof n === "number" && !isNaN(n)) {
      badge.textContent = String(n);
      badge.hidden = n === 0; // nothing waiting: no badge rather than a 0
    }
  }
  // A form submitted twice (a double click) would only be refused by the server; say so at once.
  document.querySelectorAll("form[method=post]").forEach(function (f) {
    f.addEventListener("submit", function () {
      f.querySelectorAll("button[type=submit]").forEach(function (b) {
        setTimeout(function () { b.disabled = true; b.dataset.busy = "1"; }, 0);
      });
    });
  });
  // Back to a page kept in the browser's memory brings it back as it was left, buttons
  // disabled by the submit above: give them back.
  // A success banner belongs to the moment after the action: a page brought back from
  // memory drops it.
  window.addEventListener("pageshow", function (ev) {
    if (!ev.persisted) { return; }
    document.querySelectorAll("button[data-busy]").forEach(function (b) {
      b.disabled = false;
      delete b.dataset.busy;
    });
    document.querySelectorAll("p.flash[role=status]").forEach(function (p) { p.remove(); });
  });
  // Fields that exclude one another (a deadline date or a number of working days): filling
  // one empties the other, so that the form never sends both.
  document.querySelectorAll("input[data-excludes]").forEach(function (el) {
    var other = document.getElementById(el.dataset.excludes);
    if (!other) { return; }
    el.addEventListener("input", function () {
      if (el.value !== "") { other.value = ""; }
    });
  });
  // The dispatch form's picker of agencies on the exchange axis: matches follow what is
  // typed (debounced), ticked agencies stay ticked whatever the next search shows. Without
  // scripts the search button reloads the page with the matches.
  var q = document.getElementById("axis-q"), results = document.getElementById("axis-results");
  if (q && results && window.fetch) {
    var timer, seq = 0;
    var ticked = function () {
      var out = {};
      results.querySelectorAll("input[name=external]:checked").forEach(function (c) { out[c.value] = c.parentNode; });
      return out;
    };
    var show = function (items) {
      var keep = ticked();
      results.textContent = "";
      Object.keys(keep).forEach(function (code) { results.appendChild(keep[code]); });
      items.forEach(function (a) {
        if (keep[a.code]) { return; }
        var label = document.createElement("label"), box = document.createElement("input"), code = document.createElement("small");
        label.className = "check";
        box.type = "checkbox"; box.name = "external"; box.value = a.code;
        code.className = "code"; code.textContent = a.code;
        label.append(box, " " + a.name + " ", code);
        results.appendChild(label);
      });
      if (!items.length && !Object.keys(keep).length) {
        var p = document.createElement("p");
        p.className = "hint"; p.textContent = results.dataset.empty;
        results.appendChild(p);
      }
    };
    var search = function () {
      var mine = ++seq;
      fetch("/axis/agencies?q=" + encodeURIComponent(q.value), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) { if (body && mine === seq) { show(body.items || []); } })
        .catch(function () { /* the search button still works */ });
    };
    q.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    // Enter searches here rather than leaving the page.
    q.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); clearTimeout(timer); search(); }
    });
  }
})();
