// Starts Pagefind's search box on the search page; the page works without it (see its <noscript>).
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") return;
  new PagefindUI({
    element: "#search",
    bundlePath: box.dataset.bundle,
    baseUrl: box.dataset.base,
    showImages: false,
    showSubResults: false,
    autofocus: true,
    translations: { placeholder: "Search headlines and text" }
  });
  // Tie the page's visible label to Pagefind's input once it exists (it has only a placeholder).
  var label = document.getElementById("search-label");
  var tie = function () {
    var input = box.querySelector("input[type=text], input[type=search]");
    if (!input) return false;
    input.id = "search-input";
    label.htmlFor = "search-input";
    label.hidden = false;
    return true;
  };
  if (!tie()) {
    new MutationObserver(function (_, observer) { if (tie()) observer.disconnect(); })
      .observe(box, { childList: true, subtree: true });
  }
});
