// Shows the "Log ind med ..." button of the chosen municipality as soon as it is chosen, and
// hides e-mail and password where that municipality logs in with its own login only.
// Without JavaScript the page still works: the server shows the same after the form is sent.
(function () {
  "use strict";
  var select = document.getElementById("municipality");
  var passwordFields = document.querySelector(".password-fields");
  if (!select || !passwordFields) { return; }
  function show() {
    var ssoOnly = false;
    document.querySelectorAll(".sso-choice").forEach(function (choice) {
      var chosen = choice.getAttribute("data-municipality") === select.value;
      choice.hidden = !chosen;
      if (chosen && choice.getAttribute("data-password-login") === "no") { ssoOnly = true; }
    });
    passwordFields.hidden = ssoOnly;
  }
  select.addEventListener("change", show);
  select.addEventListener("input", show);
  show();
})();
