/* begroot: full-text search with Pagefind's index, built with the site. Without JavaScript the
   search page lists every page instead; this script only adds results.

   Results: with "all editions" the newest edition's pages come first (each edition in Pagefind's
   order of relevance), then the pages of no edition; or one edition's pages only.
   Every result can be reached: 20 are shown, a button shows 20 more. A result links to the
   page and to the sections of it (headings with an id) where the words are. */
(function () {
  "use strict";
  var PAGE = 20;
  var box = document.getElementById("zoekresultaten");
  var input = document.getElementById("zoekterm");
  if (!box || !input) { return; }
  var select = document.getElementById("zoek-editie");
  var root = new URL(box.getAttribute("data-root") || "./", document.baseURI);
  var pagefind = null;
  var current = 0;  /* the number of the latest search: an older one that ends later is dropped */

  if (select) { select.parentNode.hidden = false; }

  function text(name, values) {
    return (box.getAttribute("data-" + name) || "").replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  function load() {
    if (!pagefind) {
      /* Pagefind, and which edition each page belongs to (by Pagefind's page id; written with the index) */
      var editionOf = fetch(new URL("pagefind/begroot-editions.json", root).href)
        .then(function (r) { return r.ok ? r.json() : {}; }).catch(function () { return {}; });
      pagefind = import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
        return Promise.all([pf.options({ baseUrl: root.pathname }), editionOf]).then(function (both) {
          return { pf: pf, editionOf: both[1] };
        });
      });
    }
    return pagefind;
  }

  function editions() {
    if (!select) { return []; }
    return Array.prototype.slice.call(select.options).map(function (o) { return o.value; })
      .filter(function (v) { return v; });
  }

  /* Every result, in the order shown: of the chosen edition only; or of every edition, the
     newest edition's first (in Pagefind's order of relevance within each), then the other pages. */
  function find(search, query, edition) {
    var editionOf = search.editionOf;
    return search.pf.search(query).then(function (s) {
      if (edition) {
        return s.results.filter(function (r) { return editionOf[r.id] === edition; });
      }
      var order = editions();
      var rank = function (r) {
        var i = order.indexOf(editionOf[r.id]);
        return i < 0 ? order.length : i;
      };
      return s.results.map(function (r, i) { return { r: r, i: i, k: rank(r) }; })
        .sort(function (a, b) { return a.k - b.k || a.i - b.i; })
        .map(function (x) { return x.r; });
    });
  }

  function excerpt(html) {
    var p = document.createElement("p");
    p.innerHTML = html;  /* Pagefind's excerpt of our own sanitised text, with <mark> */
    return p;
  }

  function item(r) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = r.url;
    link.textContent = (r.meta && r.meta.title) || r.url;
    li.appendChild(link);
    if (r.meta && r.meta.editie) {
      var where = document.createElement("span");
      where.className = "muted";
      where.textContent = " (" + r.meta.editie + ")";
      li.appendChild(where);
    }
    /* the sections of the page with the most hits, at most three, in the page's order */
    var sections = (r.sub_results || []).filter(function (s) { return s.url.indexOf("#") >= 0 && s.title; })
      .map(function (s, i) { return { s: s, i: i, n: (s.locations || []).length }; })
      .sort(function (a, b) { return b.n - a.n || a.i - b.i; }).slice(0, 3)
      .sort(function (a, b) { return a.i - b.i; });
    if (!sections.length) {
      li.appendChild(excerpt(r.excerpt));
      return li;
    }
    var list = document.createElement("ul");
    list.className = "search-sections";
    list.setAttribute("aria-label", text("sections", {}) + " " + link.textContent);
    sections.forEach(function (x) {
      var sub = document.createElement("li");
      var a = document.createElement("a");
      a.href = x.s.url;
      a.textContent = x.s.title;
      sub.appendChild(a);
      sub.appendChild(excerpt(x.s.excerpt));
      list.appendChild(sub);
    });
    li.appendChild(list);
    return li;
  }

  function show(query, edition, results, number) {
    box.textContent = "";
    var status = document.createElement("div");
    status.setAttribute("role", "status");
    var heading = document.createElement("h2");
    var count = results.length === 1 ? text("count-one", { q: query })
      : text(results.length ? "count" : "none", { n: results.length, q: query });
    heading.textContent = edition ? text("in", { what: count, edition: edition }) : count;
    status.appendChild(heading);
    box.appendChild(status);
    var list = document.createElement("ol");
    list.className = "search-results";
    box.appendChild(list);
    var shown = 0;
    var more = null;
    var progress = null;
    if (results.length > PAGE) {
      progress = document.createElement("p");
      progress.className = "search-shown";
      progress.setAttribute("aria-live", "polite");
      more = document.createElement("button");
      more.type = "button";
      more.className = "search-more";
      more.textContent = text("more", {});
      box.appendChild(progress);
      box.appendChild(more);
    }
    function next(moveFocus) {
      var batch = results.slice(shown, shown + PAGE);
      if (more) { more.disabled = true; }
      return Promise.all(batch.map(function (r) { return r.data(); })).then(function (data) {
        if (number !== current) { return; }
        var first = null;
        data.forEach(function (d) {
          var li = item(d);
          list.appendChild(li);
          first = first || li.querySelector("a");
        });
        shown += batch.length;
        if (progress) { progress.textContent = text("shown", { shown: shown, n: results.length }); }
        if (more) {
          more.disabled = false;
          if (shown >= results.length) { more.remove(); }
        }
        if (moveFocus && first) { first.focus(); }
      });
    }
    if (more) { more.addEventListener("click", function () { next(true); }); }
    var all = document.getElementById("alle-paginas");
    if (all) { all.hidden = true; }
    return next(false);
  }

  function run(query) {
    query = (query || "").trim();
    if (!query) { return; }
    var edition = select ? select.value : "";
    var number = ++current;
    load().then(function (search) { return find(search, query, edition); })
      .then(function (results) { if (number === current) { return show(query, edition, results, number); } })
      .catch(function () { /* search unavailable (e.g. opened from file://): the page list stays */ });
  }

  function remember() {
    var q = "?q=" + encodeURIComponent(input.value);
    if (select && select.value) { q += "&editie=" + encodeURIComponent(select.value); }
    history.replaceState(null, "", q);
  }

  var params = new URLSearchParams(window.location.search);
  if (select && params.get("editie") && editions().indexOf(params.get("editie")) >= 0) {
    select.value = params.get("editie");
  }
  if (params.get("q")) { input.value = params.get("q"); run(params.get("q")); }
  input.form.addEventListener("submit", function (event) {
    event.preventDefault();
    remember();
    run(input.value);
  });
  if (select) {
    select.addEventListener("change", function () {
      if (input.value.trim()) { remember(); run(input.value); }
    });
  }
})();
