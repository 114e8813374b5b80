// Small behaviours without inline script (CSP): auto-submitting selects, confirmation prompts.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// Wide tables scroll inside their own box instead of making the whole page scroll sideways (a
// phone, 200 % zoom); a box that scrolls can be reached and scrolled by keyboard too.
function scrollableTables() {
  document.querySelectorAll("main table.table").forEach((table) => {
    let box = table.parentElement;
    if (!box.classList.contains("table-responsive")) {
      box = document.createElement("div");
      box.className = "table-responsive";
      table.replaceWith(box);
      box.appendChild(table);
    }
    if (box.scrollWidth > box.clientWidth + 1) {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      const caption = table.caption || table.closest("section, .card")?.querySelector("h2, h3, .card-header");
      box.setAttribute("aria-label", (caption && caption.textContent.trim()) || document.title);
    } else if (box.hasAttribute("tabindex")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  });
}
document.addEventListener("DOMContentLoaded", scrollableTables);
window.addEventListener("resize", scrollableTables);

// Tom Select hides the original <select> (visually only) and moves its <label> to its own combobox
// input. A screen reader would meet two comboboxes, one without a name: the original gets the
// label's text as its name and is taken out of the accessibility tree (it is not tabbable either).
function nameHiddenSelect(select) {
  if (select.getAttribute("aria-label")) return;
  const label = document.querySelector(`label[for="${select.id}-ts-control"], label[for="${select.id}"]`);
  const name = label ? label.textContent.replace(/\s*\*\s*$/, "").trim() : "";
  if (name) select.setAttribute("aria-label", name);
  select.setAttribute("aria-hidden", "true");
  select.tabIndex = -1;
}
new MutationObserver((changes) => {
  changes.forEach((change) => {
    if (change.target.matches && change.target.matches("select.tomselected")) nameHiddenSelect(change.target);
  });
}).observe(document.documentElement, {subtree: true, attributes: true, attributeFilter: ["class"]});

// After a failed submit, focus moves to the error summary (read out at once); each of its links
// moves focus to its field (the search box of a Tom Select picker, the first box of a group).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus({preventScroll: true});
    summary.scrollIntoView({block: "center", behavior: "instant"});
  }
});
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-error-summary] a[href^='#']");
  if (!link) return;
  const target = document.getElementById(link.getAttribute("href").slice(1));
  if (!target) return;
  event.preventDefault();
  let focusable = target;
  if (target.tomselect) focusable = target.tomselect.control_input;
  else if (!target.matches("input, select, textarea, button")) focusable = target.querySelector("input, select, textarea") || target;
  const around = focusable.closest(".mb-3, fieldset") || focusable;
  around.scrollIntoView({block: "center", behavior: "instant"});
  focusable.focus({preventScroll: true});
});

// Search as you type (facility admission): the server lists the matching cases in scope.
document.addEventListener("DOMContentLoaded", () => {
  const input = document.querySelector("input[data-case-search]");
  const box = document.getElementById("case-suggestions");
  if (!input || !box || !box.dataset.suggestUrl) return;
  let timer = null;
  let last = "";
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(async () => {
      const typed = input.value.trim();
      if (typed === last) return;
      last = typed;
      const url = new URL(box.dataset.suggestUrl, window.location.href);
      url.searchParams.set("case_number", typed);
      const response = await fetch(url, {headers: {"HX-Request": "true"}});
      if (response.ok && input.value.trim() === typed) box.innerHTML = await response.text();
    }, 250);
  });
});
