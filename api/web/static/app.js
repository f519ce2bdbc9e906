// Small page behaviours: the acting-as switcher submits on change, and the inbox
// badge follows the server's count when the live stream exists.
(function () {
  "use strict";
  // textElement is a new element of class cls holding text.
  var textElement = function (tag, cls, text) {
    var el = document.createElement(tag);
    el.className = cls; el.textContent = text;
    return el;
  };
  window.textElement = textElement;
  // pickAsYouType makes results, a list of labelled inputs named name, follow what is
  // typed in q (debounced): url?q= answers {items: […]}, and choice(item) says an item's
  // input type, value and label parts. What is picked stays whatever the next search
  // shows. Without scripts the form's search button reloads the page with the matches.
  window.pickAsYouType = function (q, results, url, name, choice) {
    if (!q || !results || !window.fetch) { return; }
    var timer, seq = 0;
    var show = function (items) {
      var keep = {};
      results.querySelectorAll("input[name=" + name + "]:checked").forEach(function (c) { keep[c.value] = c.parentNode; });
      results.textContent = "";
      Object.keys(keep).forEach(function (v) { results.appendChild(keep[v]); });
      items.forEach(function (item) {
        var c = choice(item);
        if (keep[c.value]) { return; }
        var label = document.createElement("label"), input = document.createElement("input");
        label.className = "check";
        input.type = c.type; input.name = name; input.value = c.value;
        label.append.apply(label, [input].concat(c.parts));
        results.appendChild(label);
      });
      if (!items.length && !Object.keys(keep).length) {
        results.appendChild(textElement("p", "hint", results.dataset.empty));
      }
    };
    var search = function () {
      var mine = ++seq;
      fetch(url + "?q=" + encodeURIComponent(q.value), { credentials: "same-origin", headers: { Accept: "application/json" } })
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
  };
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
  // The dispatch form's picker of agencies on the exchange axis: ticked agencies stay
  // ticked whatever the next search shows.
  window.pickAsYouType(document.getElementById("axis-q"), document.getElementById("axis-results"),
    "/axis/agencies", "external", function (a) {
      return { type: "checkbox", value: a.code, parts: [" " + a.name + " ", textElement("small", "code", a.code)] };
    });
})();
