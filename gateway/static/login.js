// Shows the "Log ind med ..." button of the chosen municipality as soon as it is chosen.
// Without JavaScript the page still works: the server shows the button after the form is sent.
(function () {
  "use strict";
  var select = document.getElementById("municipality");
  if (!select) { return; }
  function show() {
    document.querySelectorAll(".sso-choice").forEach(function (choice) {
      choice.hidden = choice.getAttribute("data-municipality") !== select.value;
    });
  }
  select.addEventListener("change", show);
  select.addEventListener("input", show);
  show();
})();
