// Suggests names and aliases as the user types in the search box of every page.
(function () {
  "use strict";
  function start() {
    var input = document.getElementById("site-search");
    var list = document.getElementById("search-suggestions");
    if (!input || !list || !window.fetch) { return; }
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { return; }
      timer = setTimeout(function () {
        fetch("/search.json?q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" } })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            while (list.firstChild) { list.removeChild(list.firstChild); }
            data.results.forEach(function (result) {
              var option = document.createElement("option");
              option.value = result.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a convenience; the form still works */ });
      }, 150);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
