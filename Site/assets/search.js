// The static export's search: Pagefind's interface over the entry pages of this page's language
// (Pagefind keeps one index per language), started with the words the search box sent (?q=…).
// Without JavaScript, or before the index is built, the list of every entry below stays.
window.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("search");
  if (!element || typeof PagefindUI === "undefined") return;
  element.hidden = false;
  var ui = new PagefindUI({ element: "#search", showImages: false, showSubResults: false, resetStyles: false });
  // Pagefind's box is labelled only by its title; give it a visible label, the header's words.
  var labelled = false;
  function label() {
    var input = element.querySelector("input.pagefind-ui__search-input");
    var words = document.querySelector("label[for=site-search]");
    if (labelled || !input || !words) return;
    labelled = true;
    input.id = "static-search-input";
    var visible = document.createElement("label");
    visible.htmlFor = input.id;
    visible.className = "static-search-label";
    visible.textContent = words.textContent;
    element.insertBefore(visible, element.firstChild);
  }
  label();
  window.requestAnimationFrame(label);
  var words = new URLSearchParams(window.location.search).get("q");
  if (words) {
    ui.triggerSearch(words);
    var everything = document.getElementById("everything");
    if (everything) everything.hidden = true;
  }
});
