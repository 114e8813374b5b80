// Case pages (no inline script: CSP). Long pickers become searchable; a submit button can be pressed once.
(function () {
  "use strict";

  function searchablePickers(root) {
    if (typeof window.TomSelect === "undefined") return;
    root.querySelectorAll("select[data-searchable]").forEach(function (select) {
      if (select.tomselect) return;
      // eslint-disable-next-line no-new
      new window.TomSelect(select, {
        maxOptions: 200,
        allowEmptyOption: true,
        // Search without diacritics: "lang son" finds "Lạng Sơn", "d" finds "Đ".
        diacritics: true,
      });
    });
  }

  // A second click while the first submit is on its way would send the form twice.
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return; // the confirmation prompt was cancelled
    const button = event.target.querySelector("button[data-once]");
    if (button) {
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });

  document.addEventListener("DOMContentLoaded", function () { searchablePickers(document); });
})();
