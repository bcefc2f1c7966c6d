// Starts the bundled YASGUI editor against this server's endpoint, with the geokg prefixes preset and
// the named queries as one-click examples. Loaded as a file because the pages forbid inline scripts.
(function () {
  "use strict";
  var PREFIXES = [
    "PREFIX gk: <https://w3id.org/geokg/ontology#>",
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>",
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>",
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>",
    "PREFIX schema: <https://schema.org/>",
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>",
    ""
  ].join("\n");
  var START = PREFIXES + "SELECT ?memberName ?allianceName WHERE {\n" +
    "  ?member gk:memberOf ?alliance .\n  ?alliance a gk:Alliance ; skos:prefLabel ?allianceName .\n" +
    "  ?member skos:prefLabel ?memberName .\n} ORDER BY ?allianceName ?memberName\n";

  function start() {
    var element = document.getElementById("yasgui");
    if (!element || typeof Yasgui === "undefined") { return; }
    Yasgui.Yasqe.defaults.value = START;
    var yasgui = new Yasgui(element, {
      requestConfig: { endpoint: element.getAttribute("data-endpoint"), method: "POST" },
      copyEndpointOnNewTab: false,
      endpointCatalogueOptions: { getData: function () { return []; } },
      persistenceId: null
    });
    document.querySelectorAll("button.example").forEach(function (button) {
      button.addEventListener("click", function () {
        var tab = yasgui.getTab();
        tab.setQuery(button.getAttribute("data-query"));
        window.scrollTo(0, element.offsetTop);
      });
    });
    window.geokgYasgui = yasgui;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
