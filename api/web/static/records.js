// The records workspace: the filing form's search of open records as you type, and the
// bag download's "being prepared" state until the server starts sending it.
(function () {
  "use strict";
  // Filing a document: the open records follow what is typed (debounced); without scripts
  // the search button reloads the page with the matches.
  var q = document.getElementById("record-q"), results = document.getElementById("record-results");
  if (q && results && window.fetch) {
    var timer, seq = 0;
    var show = function (items) {
      var picked = results.querySelector("input[name=record]:checked");
      var keep = picked ? picked.parentNode : null;
      results.textContent = "";
      if (keep) { results.appendChild(keep); }
      items.forEach(function (r) {
        if (picked && picked.value === r.id) { return; }
        var label = document.createElement("label"), radio = document.createElement("input"), code = document.createElement("span");
        label.className = "check";
        radio.type = "radio"; radio.name = "record"; radio.value = r.id;
        code.className = "notation"; code.textContent = r.code;
        label.append(radio, " ", code, " " + r.title);
        results.appendChild(label);
      });
      if (!items.length && !keep) {
        var p = document.createElement("p");
        p.className = "hint"; p.textContent = results.dataset.empty;
        results.appendChild(p);
      }
    };
    var search = function () {
      var mine = ++seq;
      fetch("/records/pick?q=" + encodeURIComponent(q.value), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) { if (body && mine === seq) { show(body.items || []); } })
        .catch(function () { /* the search button still works */ });
    };
    q.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    q.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); clearTimeout(timer); search(); }
    });
  }

  // A bag is written and validated before its first byte is sent: say so until the
  // response sets the cookie named by the link's token.
  document.querySelectorAll("a[data-download]").forEach(function (a) {
    var state = a.parentNode.querySelector(".download-state");
    a.addEventListener("click", function () {
      var token = Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 8);
      var url = new URL(a.href, location.href);
      url.searchParams.set("token", token);
      a.href = url.pathname + url.search;
      if (!state) { return; }
      state.hidden = false;
      state.classList.add("busy");
      state.textContent = state.dataset.preparing;
      var tries = 0;
      var poll = setInterval(function () {
        tries++;
        if (document.cookie.split("; ").indexOf("vanthu_download=" + token) >= 0) {
          clearInterval(poll);
          document.cookie = "vanthu_download=; Max-Age=0; Path=/";
          state.classList.remove("busy");
          state.textContent = state.dataset.started;
          state.dataset.done = token;
        } else if (tries > 1200) { // ten minutes: leave the browser's own download to tell
          clearInterval(poll);
          state.hidden = true;
        }
      }, 500);
    });
  });
})();
