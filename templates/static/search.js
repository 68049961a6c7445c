// Starts Pagefind's search box on the search page; the page works without it (see its <noscript>).
// The index comes in shards, one Pagefind bundle each, listed in pagefind/shards.json: the first is
// Pagefind's main bundle (it holds the scripts the others use), the rest are merged into it, so one
// search covers every shard. The list is a file beside the bundles, not part of this page, so the
// page stays the same when shards change.
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") return;
  var folder = box.dataset.bundle;
  var base = box.dataset.base;
  fetch(folder + "shards.json", { cache: "no-cache" })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + response.statusText);
      return response.json();
    })
    .then(function (listing) { if (listing.shards.length) start(listing.shards); },
          function (error) { console.error("search: cannot read " + folder + "shards.json:", error); });

  function start(shards) {
    new PagefindUI({
      element: "#search",
      bundlePath: folder + shards[0] + "/",
      baseUrl: base,
      mergeIndex: shards.slice(1).map(function (shard) {
        return { bundlePath: folder + shard + "/", baseUrl: base };
      }),
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
  }
});
