// Support forms (no inline script: CSP). Progressive: the forms work without it.
(function () {
  // Request form: typing a quantity or an amount in a row ticks that row's "request" box.
  document.addEventListener("input", function (event) {
    var row = event.target.closest("[data-support-line]");
    if (!row || event.target.matches("input[type=checkbox]")) return;
    var box = row.querySelector("input[name$='-selected']");
    if (box && !box.checked) box.checked = true;
  });

  // Decision form: quantity and amount only matter when approving in part. They are made read-only
  // (greyed), not disabled: a disabled box is not sent, so after an error elsewhere it came back blank.
  function syncDecision(fieldset) {
    var choice = fieldset.querySelector("input[type=radio]:checked");
    var partly = choice && choice.value === "partly";
    fieldset.querySelectorAll("[data-partly-only]").forEach(function (input) {
      input.readOnly = !partly;
      input.setAttribute("aria-disabled", partly ? "false" : "true");
    });
  }
  document.addEventListener("change", function (event) {
    var fieldset = event.target.closest("[data-support-decision]");
    if (fieldset && event.target.matches("input[type=radio]")) syncDecision(fieldset);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-support-decision]").forEach(syncDecision);
  });
})();
