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
  var START = PREFIXES + "SELECT DISTINCT ?memberName ?allianceName WHERE {\n" +
    "  ?member gk:memberOf ?alliance .\n  ?alliance a gk:Alliance ; skos:prefLabel ?allianceName .\n" +
    "  ?member skos:prefLabel ?memberName .\n} ORDER BY ?allianceName ?memberName\n";

  // The server refuses a query with its one JSON error shape ({"title", "error"}); YASR would show the
  // raw body, or nothing at all. Its message goes in the results area as text, never as markup.
  function serverMessage(error) {
    var text = error && error.text;
    var parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch (ignored) { parsed = null; }
    var message = parsed && typeof parsed.error === "string" ? parsed.error : text;
    if (!message) { return undefined; }
    var box = document.createElement("div");
    box.className = "sparql-error";
    box.setAttribute("role", "alert");
    var line = document.createElement("p");
    var title = document.createElement("strong");
    title.textContent = (parsed && parsed.title) || (error.status ? "Error " + error.status : "Error");
    line.appendChild(title);
    line.appendChild(document.createTextNode(": " + message));
    box.appendChild(line);
    return Promise.resolve(box);
  }

  function start() {
    var element = document.getElementById("yasgui");
    if (!element || typeof Yasgui === "undefined") { return; }
    Yasgui.Yasqe.defaults.value = START;
    Yasgui.Yasr.defaults.errorRenderers = [serverMessage];
    var yasgui = new Yasgui(element, {
      // Absolute: YASGUI parses the endpoint with new URL(), which throws on a path and left the
      // results area empty on every error.
      requestConfig: { endpoint: new URL(element.getAttribute("data-endpoint"), window.location.href).href,
                       method: "POST" },
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
