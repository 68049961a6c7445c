// Added by `python build.py --watch` to the pages its preview server sends (never to output/):
// reloads the page when a build finishes, and shows a build error over the page until it is fixed.
(function () {
  "use strict";
  var shown = BUILD_NUMBER;
  var overlay = null;

  function showError(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "digest-build-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;" +
        "padding:1.5rem;background:rgba(24,24,24,.96);color:#fff;font:14px/1.5 ui-monospace,monospace;";
      var title = document.createElement("h2");
      title.textContent = "The site could not be built";
      title.style.cssText = "margin:0 0 1rem;color:#ff8a80;font:bold 18px/1.3 system-ui,sans-serif;";
      var text = document.createElement("pre");
      text.style.cssText = "white-space:pre-wrap;margin:0 0 1rem;";
      var note = document.createElement("p");
      note.textContent = "This page is the last good build. Fix the file and save: the page reloads by itself.";
      note.style.cssText = "margin:0;font-family:system-ui,sans-serif;";
      overlay.append(title, text, note);
      document.body.appendChild(overlay);
    }
    overlay.querySelector("pre").textContent = message;
  }

  function onState(event) {
    var state = JSON.parse(event.data);
    if (state.error) {
      showError(state.error);
    } else if (state.build !== shown) {
      location.reload();
    } else if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  var source = new EventSource(EVENTS_URL);
  source.addEventListener("state", onState);
})();
