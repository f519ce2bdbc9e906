// The records workspace: the filing form's search of open records as you type, and the
// bag download's "being prepared" state until the server starts sending it.
(function () {
  "use strict";
  // Filing a document: the open records follow what is typed.
  window.pickAsYouType(document.getElementById("record-q"), document.getElementById("record-results"),
    "/records/pick", "record", function (r) {
      return { type: "radio", value: r.id, parts: [" ", window.textElement("span", "notation", r.code), " " + r.title] };
    });

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
