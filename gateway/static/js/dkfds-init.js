// Starts Det Fælles Designsystem's components (phone menu, error summary focus, details, tables)
// once the page is parsed. An external file: the pages' CSP allows no inline script.
(function () {
  "use strict";
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
})();
