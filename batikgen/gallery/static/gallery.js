/* batikgen gallery: the index's filters and the piece page's deep-zoom viewer. No server needed:
   everything the page needs is in the page (the tile source inline, so file:// works). */
(function () {
  "use strict";

  function setupFilters() {
    var form = document.getElementById("filters");
    if (!form) { return; }
    var cards = Array.prototype.slice.call(document.querySelectorAll("#pieces .card"));
    var status = document.getElementById("filter-status");
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
    function apply() {
      var shown = 0;
      cards.forEach(function (card) {
        var ok = selects.every(function (select) {
          return !select.value || card.getAttribute("data-" + select.getAttribute("data-filter")) === select.value;
        });
        card.hidden = !ok;
        if (ok) { shown += 1; }
      });
      status.textContent = shown === cards.length
        ? cards.length + (cards.length === 1 ? " piece" : " pieces")
        : "Showing " + shown + " of " + cards.length + " pieces";
    }
    selects.forEach(function (select) { select.addEventListener("change", apply); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }

  function clock(seconds) {
    var s = Math.max(0, Math.round(seconds));
    var rest = s % 60;
    return Math.floor(s / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function setupViewer() {
    var dataNode = document.getElementById("piece-data");
    if (!dataNode || typeof OpenSeadragon === "undefined") { return; }
    var data = JSON.parse(dataNode.textContent);
    var element = document.getElementById("viewer");
    var viewer = OpenSeadragon({
      element: element,
      tileSources: data.tileSource,
      drawer: "canvas",            // the WebGL drawer cannot read file:// tiles (cross-origin)
      showNavigationControl: false, // the page's own <button>s instead of image buttons
      visibilityRatio: 1,
      constrainDuringPan: true,
      maxZoomPixelRatio: 4,
      animationTime: 0.4,
      gestureSettingsTouch: { pinchRotate: false },
      gestureSettingsMouse: { clickToZoom: false }
    });
    window.batikgenViewer = viewer;
    var readout = document.getElementById("readout");
    var view = document.getElementById("chart-view");
    var marker = document.getElementById("chart-marker");
    var rows = data.rows;

    // Where a pixel row of the image is on the cloth, and which row of the motif, time and rhythms it is.
    function describe(imageY) {
      var mm = imageY / data.image.height * data.cloth.height_mm;
      var ys = rows.ys_mm;
      if (mm < ys[0] || mm >= ys[ys.length - 1]) {
        return "This part is the cloth's border, outside the recording.";
      }
      var i = 0;
      while (i < ys.length - 2 && mm >= ys[i + 1]) { i += 1; }
      var parts = rows.shares[i].map(function (share, k) {
        return rows.bands[k] + " " + Math.round(share * 100) + "%";
      });
      var text = "Row " + (i + 1) + " of " + (ys.length - 1) + ": " + clock(rows.times_s[i]) + " to " +
        clock(rows.times_s[i + 1]) + " of the recording.";
      return parts.length ? text + " Rhythms: " + parts.join(", ") + "." : text;
    }
    function fraction(imageY) { return Math.min(1, Math.max(0, imageY / data.image.height)); }

    function showView() {
      var bounds = viewer.viewport.viewportToImageRectangle(viewer.viewport.getBounds(true));
      var top = fraction(bounds.y), bottom = fraction(bounds.y + bounds.height);
      if (view) {
        view.hidden = false;
        view.style.top = (top * 100) + "%";
        view.style.height = ((bottom - top) * 100) + "%";
      }
      return (bounds.y + bounds.height / 2);
    }
    // The readout follows the pointer while it is over the cloth, else the centre of the view
    // (keyboard and button users move the view, not a pointer).
    var pointing = false;
    viewer.addHandler("canvas-key", function () { pointing = false; });
    viewer.addHandler("animation", function () {
      var centre = showView();
      if (!pointing) { readout.textContent = "Centre of the view: " + describe(centre); }
    });
    viewer.addHandler("open", function () {
      element.setAttribute("data-opened", "true");
      showView();
    });
    viewer.addHandler("tile-loaded", function () {
      element.setAttribute("data-tiles", String(Number(element.getAttribute("data-tiles") || 0) + 1));
    });
    new OpenSeadragon.MouseTracker({
      element: viewer.canvas,
      moveHandler: function (event) {
        pointing = true;
        var point = viewer.viewport.viewerElementToImageCoordinates(event.position);
        readout.textContent = describe(point.y);
        if (marker) {
          marker.hidden = false;
          marker.style.top = (fraction(point.y) * 100) + "%";
        }
      },
      leaveHandler: function () { pointing = false; if (marker) { marker.hidden = true; } }
    });

    function zoom(factor) { pointing = false; viewer.viewport.zoomBy(factor); viewer.viewport.applyConstraints(); }
    document.getElementById("zoom-in").addEventListener("click", function () { zoom(2); });
    document.getElementById("zoom-out").addEventListener("click", function () { zoom(0.5); });
    document.getElementById("zoom-home").addEventListener("click", function () { viewer.viewport.goHome(); });
    var full = document.getElementById("zoom-full");
    full.addEventListener("click", function () {
      viewer.setFullScreen(!viewer.isFullPage());
    });
    viewer.addHandler("full-screen", function (event) {
      full.setAttribute("aria-pressed", event.fullScreen ? "true" : "false");
    });
  }

  setupFilters();
  setupViewer();
}());
