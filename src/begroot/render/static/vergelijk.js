/* begroot: the form on /vergelijk/ goes straight to the page of the two editions chosen (the site
   has a page for every pair, /vergelijk/<older>/<newer>/). Without JavaScript the form leads to
   the list of every comparison on the same page. */
(function () {
  "use strict";
  var form = document.querySelector(".compare-form");
  if (!form) { return; }
  var first = document.getElementById("vergelijk-van");
  var second = document.getElementById("vergelijk-naar");
  var error = document.getElementById("vergelijk-fout");
  var root = new URL(form.getAttribute("data-root") || "./", document.baseURI);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (first.selectedIndex === second.selectedIndex) {
      error.textContent = form.getAttribute("data-same");
      error.hidden = false;
      first.setAttribute("aria-describedby", "vergelijk-fout");
      first.focus();
      return;
    }
    /* the options are in the order the editions appeared: the older one comes first in the address */
    var older = first.selectedIndex < second.selectedIndex ? first : second;
    var newer = older === first ? second : first;
    window.location.href = new URL("vergelijk/" + encodeURIComponent(older.value) + "/" +
                                   encodeURIComponent(newer.value) + "/", root).href;
  });
})();
