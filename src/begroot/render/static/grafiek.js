/* begroot: a chart's PNG image, made in the reader's browser when asked, from the chart's SVG file
   next to the page (the same site): drawn on a canvas at twice the file's size, on white, and
   saved as <name>.png. Nothing is fetched from another host. Without JavaScript the PNG control
   stays hidden (the SVG file is always offered); when the browser cannot draw it (a site opened
   as a file, where the canvas may not be read), the control says so and points to the SVG. */
(function () {
  "use strict";
  var SCALE = 2;

  function say(control, template, error) {
    var status = control.querySelector("[role=status]");
    var svg = control.parentNode.querySelector("a[href$='.svg']");
    var parts = template.split("{svg}");
    status.textContent = "";
    status.appendChild(document.createTextNode(parts[0]));
    if (svg && parts.length > 1) {
      status.appendChild(svg.cloneNode(true));
    }
    status.appendChild(document.createTextNode(parts.slice(1).join("")));
    if (error && window.console) {
      window.console.warn("begroot: the PNG could not be made", error);
    }
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  function make(control, button) {
    if (button.getAttribute("aria-disabled") === "true") { return; }  /* one at a time */
    button.setAttribute("aria-disabled", "true");
    control.querySelector("[role=status]").textContent = "";
    var failed = function (error) {
      button.removeAttribute("aria-disabled");
      say(control, control.getAttribute("data-failed") || "{svg}", error);
    };
    var image = new Image();
    image.onload = function () {
      try {
        var width = image.naturalWidth, height = image.naturalHeight;
        if (!width || !height) { throw new Error("the SVG file has no size"); }
        var canvas = document.createElement("canvas");
        canvas.width = width * SCALE;
        canvas.height = height * SCALE;
        var context = canvas.getContext("2d");
        context.fillStyle = "#ffffff";
        context.fillRect(0, 0, canvas.width, canvas.height);
        context.drawImage(image, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {  /* throws when the canvas may not be read (file://) */
          if (!blob) { failed(new Error("no PNG made")); return; }
          button.removeAttribute("aria-disabled");
          save(blob, control.getAttribute("data-png"));
        }, "image/png");
      } catch (error) {
        failed(error);
      }
    };
    image.onerror = function () { failed(new Error("the SVG file could not be loaded")); };
    image.src = new URL(control.getAttribute("data-svg"), document.baseURI).href;
  }

  var controls = document.querySelectorAll(".chart-png[data-svg]");
  Array.prototype.forEach.call(controls, function (control) {
    var button = control.querySelector("button");
    if (!button || !window.HTMLCanvasElement || !HTMLCanvasElement.prototype.toBlob) { return; }
    button.addEventListener("click", function () { make(control, button); });
    control.hidden = false;
  });
})();
