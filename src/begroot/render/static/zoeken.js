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

  /* Pagefind with the index of the pages of no edition, each edition's index merged into it, and
     which edition each page belongs to (by Pagefind's page id); both lists are written with the
     indexes, in pagefind/begroot-editions.json. */
  function load() {
    if (!pagefind) {
      var info = fetch(new URL("pagefind/begroot-editions.json", root).href)
        .then(function (r) { return r.ok ? r.json() : {}; }).catch(function () { return {}; });
      pagefind = import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
        return Promise.all([pf.options({ baseUrl: root.pathname }), info]).then(function (both) {
          var indexes = Object.keys(both[1].indexes || {}).sort();
          return Promise.all(indexes.map(function (folder) {
            return pf.mergeIndex(new URL("pagefind/" + folder, root).href, { baseUrl: root.pathname });
          })).then(function () { return { pf: pf, editionOf: both[1].pages || {} }; });
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

  function plain(word) {
    return word.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
  }

  /* Pagefind looks for a word that an index does not have as the longest start of it that the
     index has ("hulpverleners" as "hulp"). With one index for every page that happened only to a
     word found nowhere; with an index per edition it would happen in each edition without the
     word. So when a word is found as it is (Pagefind's exact search, which never shortens it) in
     some index, the results of another index are kept only when a word found in its first
     result begins with it ("zorg" in "zorgkosten"). */
  function sameWords(pf, query, results, group) {
    if (query.indexOf('"') >= 0) { return Promise.resolve(results); }
    var terms = query.split(/\s+/).map(plain).filter(function (t) { return t; });
    return Promise.all(terms.map(function (t) { return pf.search('"' + t + '"'); })).then(function (exact) {
      var first = {};
      results.forEach(function (r) { if (!(group(r) in first)) { first[group(r)] = r; } });
      var checks = [];
      var dropped = {};
      exact.forEach(function (e, i) {
        if (!e.results.length) { return; }  /* found as it is nowhere: as with one index */
        var found = {};
        e.results.forEach(function (r) { found[group(r)] = true; });
        Object.keys(first).forEach(function (g) {
          if (found[g]) { return; }
          checks.push(first[g].data().then(function (d) {
            var words = (d.content || "").split(/[\r\n\s]+/g);
            var begins = (d.locations || []).some(function (at) { return plain(words[at] || "").indexOf(terms[i]) === 0; });
            if (!begins) { dropped[g] = true; }
          }));
        });
      });
      return Promise.all(checks).then(function () {
        return results.filter(function (r) { return !dropped[group(r)]; });
      });
    });
  }

  /* Every result, in the order shown: of the chosen edition only; or of every edition, the
     newest edition's first (in Pagefind's order of relevance within each), then the other pages. */
  function find(search, query, edition) {
    var editionOf = search.editionOf;
    var group = function (r) { return editionOf[r.id] || ""; };
    return search.pf.search(query).then(function (s) {
      return sameWords(search.pf, query, s.results, group);
    }).then(function (results) {
      if (edition) {
        return results.filter(function (r) { return editionOf[r.id] === edition; });
      }
      var order = editions();
      var rank = function (r) {
        var i = order.indexOf(editionOf[r.id]);
        return i < 0 ? order.length : i;
      };
      return results.map(function (r, i) { return { r: r, i: i, k: rank(r) }; })
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
