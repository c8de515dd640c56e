// Autosave on the answering page: what the person enters is sent (debounced) to the JSON API,
// read there by the same rules as the plain form post, and the state is shown and announced
// ("Gemmer…", "Gemt kl. 14:03", "Ikke gemt – prøv igen"). When the session has expired (401),
// the entered values are kept in sessionStorage, the person logs in again and comes back here,
// and the values are put back into the form and saved. Without JavaScript the form's own
// "Gem" button does the same work. All texts come from the form's data- attributes.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form) { return; }
  var status = form.querySelector("[data-autosave-status]");
  var retry = form.querySelector("[data-autosave-retry]");
  var storageKey = form.getAttribute("data-storage-key");
  var DELAY_MS = 1200;
  var timer = null;
  var saving = false;
  var again = false;

  function text(name) { return form.getAttribute("data-text-" + name) || ""; }

  function show(message, failed) {
    status.textContent = message;
    retry.hidden = !failed;
  }

  function clock() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return pad(now.getHours()) + ":" + pad(now.getMinutes());
  }

  function answerField(name) {
    return /^(value|na|justification|comment)-/.test(name) || name === "shown";
  }

  // Every answer field's values, unticked groups included (as empty lists).
  function snapshot() {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !answerField(el.name)) { return; }
      if (!fields[el.name]) { fields[el.name] = []; }
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { fields[el.name].push(el.value); }
      } else {
        fields[el.name].push(el.value);
      }
    });
    return fields;
  }

  function restore(fields) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "shown" || !answerField(el.name)) { return; }
      var values = fields[el.name];
      if (!values) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (values.length) {
        el.value = values[0];
      }
    });
  }

  function keep(fields) {
    try { window.sessionStorage.setItem(storageKey, JSON.stringify(fields)); } catch (e) { /* private mode */ }
  }

  function forget() {
    try { window.sessionStorage.removeItem(storageKey); } catch (e) { /* private mode */ }
  }

  function kept() {
    try {
      var raw = window.sessionStorage.getItem(storageKey);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return null;
    }
  }

  function save() {
    timer = null;
    if (saving) { again = true; return; }
    saving = true;
    var fields = snapshot();
    var unit = form.getAttribute("data-unit");
    show(text("saving"), false);
    fetch(form.getAttribute("data-autosave-url"), {
      method: "PUT",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRF-Token": form.getAttribute("data-csrf")
      },
      body: JSON.stringify({
        unit_id: unit === "" ? null : parseInt(unit, 10),
        area: form.getAttribute("data-area"),
        fields: fields
      })
    }).then(function (response) {
      if (response.status === 401) {
        keep(fields);
        show(text("expired"), false);
        window.location.assign(form.getAttribute("data-login-url"));
        return null;
      }
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json().then(function (result) {
        forget();
        var invalid = result.errors && Object.keys(result.errors).length > 0;
        show(invalid ? text("invalid") : text("saved").replace("{time}", clock()), false);
      });
    }).catch(function () {
      keep(fields);
      show(text("failed"), true);
    }).then(function () {
      saving = false;
      if (again) { again = false; save(); }
    });
  }

  function later() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, DELAY_MS);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  retry.addEventListener("click", save);
  // The plain post may meet an expired session too: keep the values until a page shows them.
  form.addEventListener("submit", function () {
    if (timer) { window.clearTimeout(timer); timer = null; }
    keep(snapshot());
  });

  var before = kept();
  if (before) {
    var now = JSON.stringify(snapshot());
    restore(before);
    if (JSON.stringify(snapshot()) !== now) {
      show(text("restored"), false);
      save();
    } else {
      forget();
    }
  }
})();
