// The "Udskriv" button: shown only with JavaScript (it needs window.print); print.css decides
// what the printout holds.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
