/* begroot: full-text search with Pagefind's index, built with the site. Without JavaScript the
   search page lists every page instead; this script only adds results. */
(function () {
  "use strict";
  var box = document.getElementById("zoekresultaten");
  var input = document.getElementById("zoekterm");
  if (!box || !input) { return; }
  var root = new URL(box.getAttribute("data-root") || "./", document.baseURI);
  var pagefind = null;

  function load() {
    if (!pagefind) {
      pagefind = import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
        return pf.options({ baseUrl: root.pathname }).then(function () { return pf; });
      });
    }
    return pagefind;
  }

  function show(query, results) {
    box.textContent = "";
    var heading = document.createElement("h2");
    heading.textContent = (results.length ? box.getAttribute("data-count") : box.getAttribute("data-none"))
      .replace("{n}", results.length).replace("{q}", query);
    box.appendChild(heading);
    var list = document.createElement("ol");
    list.className = "search-results";
    results.forEach(function (r) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = r.url;
      link.textContent = (r.meta && r.meta.title) || r.url;
      item.appendChild(link);
      if (r.meta && r.meta.editie) {
        var where = document.createElement("span");
        where.className = "muted";
        where.textContent = " (" + r.meta.editie + ")";
        item.appendChild(where);
      }
      var excerpt = document.createElement("p");
      excerpt.innerHTML = r.excerpt;  /* Pagefind's excerpt of our own sanitised text, with <mark> */
      item.appendChild(excerpt);
      list.appendChild(item);
    });
    box.appendChild(list);
    var all = document.getElementById("alle-paginas");
    if (all) { all.hidden = true; }
  }

  function run(query) {
    query = (query || "").trim();
    if (!query) { return; }
    load().then(function (pf) { return pf.search(query); })
      .then(function (search) {
        return Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); }));
      })
      .then(function (results) { show(query, results); })
      .catch(function () { /* search unavailable (e.g. opened from file://): the page list stays */ });
  }

  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) { input.value = params.get("q"); run(params.get("q")); }
  input.form.addEventListener("submit", function (event) {
    event.preventDefault();
    history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
    run(input.value);
  });
})();
