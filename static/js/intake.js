// Intake wizard (victims/views/intake.py). No inline script (CSP): behaviour hangs off data attributes.
//  - select[data-searchable]: a long list (countries, ethnic groups) becomes a searchable picker.
//  - select[data-commune-picker]: communes searched on the server (without diacritics), filtered by
//    the province select named in data-province-field; choosing a commune fills in its province.
//  - form[data-submit-once]: the submit buttons are disabled after the first submit (the server also
//    refuses a double submit of the reception form).
(function () {
  "use strict";

  // 'Đông Kinh' -> 'dong kinh' (as accounts.text.fold on the server).
  function fold(text) {
    return (text || "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }

  function searchable(select) {
    return new TomSelect(select, { maxOptions: null, allowEmptyOption: true, create: false });
  }

  function communePicker(select) {
    const province = document.getElementById(select.dataset.provinceField);
    let syncing = false;
    const picker = new TomSelect(select, {
      valueField: "id",
      labelField: "text",
      searchField: [],
      create: false,
      allowEmptyOption: true,
      maxOptions: 50,
      preload: "focus",
      loadThrottle: 250,
      // Match as the server does (name contains the query, without diacritics), so the communes
      // listed before the query (the province's) are filtered the same way as the server's answer.
      score: function (query) {
        const wanted = fold(query);
        return function (item) { return fold(item.text).indexOf(wanted) === -1 ? 0 : 1; };
      },
      load: function (query, callback) {
        const params = new URLSearchParams({ q: query });
        if (province && province.value) params.set("province", province.value);
        fetch(select.dataset.url + "?" + params.toString(), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { callback(data.results); })
          .catch(function () { callback(); });
      },
      render: {
        option: function (item, escape) {
          const where = item.province ? ' <small class="text-muted">' + escape(item.province) + "</small>" : "";
          return "<div>" + escape(item.text) + where + "</div>";
        },
      },
      onChange: function (value) {
        const item = value ? this.options[value] : null;
        if (province && item && item.province_id && province.value !== String(item.province_id)) {
          syncing = true;
          if (province.tomselect) {
            province.tomselect.setValue(String(item.province_id), true);
          } else {
            province.value = String(item.province_id);
          }
          syncing = false;
        }
      },
    });
    if (province) {
      province.addEventListener("change", function () {
        if (syncing) return;
        picker.clear(true);
        picker.clearOptions();
        picker.loadedSearches = {};
      });
    }
  }

  function submitOnce(form) {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      if (form.dataset.submitted) {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "1";
      // Let the browser send the clicked button's name first, then block further clicks.
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
      }, 0);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof TomSelect !== "undefined") {
      // Read-only steps (a closed case) keep their plain, disabled selects.
      const editable = function (select) { return !select.closest("fieldset[disabled]"); };
      document.querySelectorAll("select[data-searchable]").forEach(function (select) {
        if (editable(select)) searchable(select);
      });
      document.querySelectorAll("select[data-commune-picker]").forEach(function (select) {
        if (editable(select)) communePicker(select);
      });
    }
    document.querySelectorAll("form[data-submit-once]").forEach(submitOnce);
  });
  // form[data-one-time-token]: its token is remembered when it is sent. Coming Back to the form (the
  // page is not cached, so the server made a new token) asks the server for the sent token's case,
  // which shows "already registered: open it" instead of a form that would register the person twice.
  function usedTokenKey() { return "used-token:" + window.location.pathname; }
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (event.defaultPrevented || !form.matches("form[data-one-time-token]")) return;
    const token = form.querySelector("input[name=token]");
    if (token && token.value) window.sessionStorage.setItem(usedTokenKey(), token.value);
  });
  function backToASentForm(persisted) {
    const form = document.querySelector("form[data-one-time-token]");
    const used = window.sessionStorage.getItem(usedTokenKey());
    if (!form || !used) return;
    const navigation = window.performance.getEntriesByType("navigation")[0];
    if (!persisted && !(navigation && navigation.type === "back_forward")) return;
    const url = new URL(window.location.href);
    url.searchParams.set("token", used);
    window.location.replace(url.toString());
  }
  document.addEventListener("DOMContentLoaded", function () { backToASentForm(false); });
  window.addEventListener("pageshow", function (event) { if (event.persisted) backToASentForm(true); });
  // Back to a page kept in the browser's cache: its forms may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      delete form.dataset.submitted;
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = false; });
    });
  });
})();
