// Suggests names and aliases as the user types: in the search box of every page, and in each field
// marked data-suggest (the actor fields of the named-query forms), from the same /search.json.
(function () {
  "use strict";
  function suggest(input, list) {
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
  function start() {
    if (!window.fetch) { return; }
    document.querySelectorAll("#site-search, input[data-suggest]").forEach(function (input) {
      var list = document.getElementById(input.getAttribute("list"));
      if (list) { suggest(input, list); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
