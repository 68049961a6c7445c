// Starts Pagefind's search box on the search page; the page works without it (see its <noscript>).
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") return;
  new PagefindUI({
    element: "#search",
    bundlePath: box.dataset.bundle,
    showImages: false,
    showSubResults: false,
    autofocus: true,
    translations: { placeholder: "Search headlines and text" }
  });
});
