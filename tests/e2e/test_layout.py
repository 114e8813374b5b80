"""The layout check and the accessibility audit (issues #10 and #19), over what each persona reaches.

For every persona of the demo data the crawl opens the home page, follows the main menu, the
sub-navigation tabs and the first link of a few detail and form pages per app, and on every page,
at 1366×800 (the common office laptop) and 390×844 (a phone):

- the page never scrolls sideways;
- every visible link and form control can be clicked at its centre (`elementFromPoint` hits it or
  its label), so nothing is covered or squeezed under something else;
- no English text from our own catalogue shows on the Vietnamese page;
- no console error and no Content Security Policy violation;
- axe-core (WCAG 2.0/2.1/2.2 A and AA rules) finds nothing serious or critical, at 1366 px; the
  moderate and minor findings are printed.

Each page is loaded once per persona: checked at 1366 px, then the window is narrowed to 390 px
and checked again. Screenshots of each persona's home and main form at both widths are written to
build/screenshots/ for a reviewer.
"""

import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import polib
import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from accounts.management.commands.seed_demo import DEMO_LOADERS
from accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(settings.BASE_DIR)
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
SCREENSHOTS = ROOT / "build" / "screenshots"
WIDE, NARROW = (1366, 800), (390, 844)

# Demo users, one per kind of work; the second item is the persona's main form (a URL pattern).
PERSONAS = {
    "bienphong.ls": r"^/ho-so/tiep-nhan/$",  # border post: registers receptions
    "congan.ls": r"^/ho-so/\d+/ket-qua-xac-dinh/$",  # police: records identification
    "canbo.ls": r"^/co-so/\d+/tiep-nhan/$",  # social centre: admits residents
    "pheduyet.ls": r"^/ho-tro/de-nghi/\d+/quyet-dinh/$",  # department: decides support
    "lanhdao.ls": r"^/co-so/them/$",  # agency manager: registers facilities
    "thongke.ls": None,  # statistician: reads only
}

# Beyond the menu and its tabs: the first link of each kind found on the pages visited.
DETAIL_PAGES = [
    r"^/ho-so/\d+/$", r"^/ho-so/tiep-nhan/$", r"^/ho-so/\d+/ket-qua-xac-dinh/$", r"^/ho-so/\d+/chia-se/$",
    r"^/ho-so/\d+/tham-theo-doi/$",
    r"^/co-so/\d+/$", r"^/co-so/\d+/tiep-nhan/$", r"^/co-so/them/$", r"^/co-so/luu-tru/\d+/$",
    r"^/co-so/giay-phep/ho-so/\d+/$",
    r"^/ho-tro/ho-so/\d+/$", r"^/ho-tro/ho-so/\d+/de-nghi/moi/$", r"^/ho-tro/de-nghi/\d+/$",
    r"^/ho-tro/de-nghi/\d+/quyet-dinh/$",
]
NEVER = re.compile(r"/(tai-ve|ban-quet|tai-lieu)/|^/admin/|^/i18n/|^/dang-xuat/")

CLICKABLE_AT_CENTRE = """
() => {
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, .ts-control";
  const problems = [];
  const label = (el) => (el.getAttribute("aria-label") || el.innerText || el.value || el.name || el.id || "")
      .trim().replace(/\\s+/g, " ").slice(0, 60);
  const shown = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility !== "visible" || style.display === "none" || el.closest("[hidden], .d-none")) return false;
    if (el.classList.contains("tomselected") || el.closest(".visually-hidden, .visually-hidden-focusable:not(:focus)")) return false;
    const box = el.getBoundingClientRect();
    return box.width >= 2 && box.height >= 2 && el.getClientRects().length > 0;
  };
  // Tom Select's own input sits inside (or, for a chosen single value, off) its .ts-control box.
  const elements = [...document.querySelectorAll(selector)].filter((el) => !el.matches(".ts-control input"))
      .filter(shown).slice(0, 250);
  for (const el of elements) {
    el.scrollIntoView({block: "center", inline: "center", behavior: "instant"});
    const box = el.getClientRects()[0];  // a link wrapped over two lines: its first line, as a click
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) {
      problems.push(`${el.tagName.toLowerCase()} "${label(el)}" lies outside the window`);
      continue;
    }
    const hit = document.elementFromPoint(x, y);
    if (!hit) { problems.push(`${el.tagName.toLowerCase()} "${label(el)}": nothing at its centre`); continue; }
    const ownLabel = hit.closest("label");
    if (el === hit || el.contains(hit) || hit.contains(el) && hit.tagName === "LABEL"
        || (ownLabel && (ownLabel.control === el || ownLabel.contains(el)))) continue;
    problems.push(`${el.tagName.toLowerCase()}#${el.id} "${label(el)}" is covered by `
                  + `${hit.tagName.toLowerCase()}#${hit.id}.${[...hit.classList].join(".")} "${label(hit)}"`);
  }
  window.scrollTo({top: 0, left: 0, behavior: "instant"});
  return problems;
}
"""

RUN_AXE = """
async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " — " + (n.failureSummary || "").split("\\n")[1]),
    count: v.nodes.length,
  }));
}
"""


def catalogue_phrases() -> list[str]:
    """English phrases of our catalogue that have a different Vietnamese translation.

    Only pieces of two words or more and at least 12 characters, so a name or a code never counts.
    """
    phrases = set()
    for entry in polib.pofile(str(ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po")):
        if not entry.msgstr or entry.msgstr == entry.msgid or entry.obsolete:
            continue
        for piece in re.split(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|\{\w*\}|<[^>]+>|\n", entry.msgid):
            piece = piece.strip(" .,:;()…")
            if len(piece) >= 12 and " " in piece and piece not in entry.msgstr:
                phrases.add(piece)
    return sorted(phrases)


class Crawl:
    def __init__(self, page, persona: str, phrases: list[str], tabs_seen: set):
        self.page, self.persona, self.phrases, self.tabs_seen = page, persona, phrases, tabs_seen
        self.problems: list[str] = []
        self.minor: dict[str, set] = defaultdict(set)

    def fail(self, url, width, what):
        self.problems.append(f"{self.persona} {url} @{width}px: {what}")

    def check(self, url, width):
        page = self.page
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 1:
            self.fail(url, width, f"the page scrolls sideways by {overflow} px")
        for problem in page.evaluate(CLICKABLE_AT_CENTRE):
            self.fail(url, width, problem)

    def visit(self, url) -> list[str]:
        page = self.page
        page.set_viewport_size({"width": WIDE[0], "height": WIDE[1]})
        errors_before = len(page.errors)
        response = page.goto(url)
        page.wait_for_load_state("load")
        if response is None or response.status >= 400:
            self.fail(url, WIDE[0], f"answered {response and response.status}")
            return []
        self.check(url, WIDE[0])
        text = page.evaluate("document.body.innerText")
        for phrase in self.phrases:
            if phrase in text:
                self.fail(url, WIDE[0], f"untranslated text {phrase!r}")
        page.evaluate(AXE)
        for violation in page.evaluate(RUN_AXE):
            line = f"axe {violation['impact']} {violation['id']} ({violation['count']}×): {violation['help']}: " \
                   + "; ".join(violation["nodes"])
            if violation["impact"] in ("serious", "critical"):
                self.fail(url, WIDE[0], line)
            else:
                self.minor[f"{violation['impact']} {violation['id']}: {violation['help']}"].add(url)
        links = page.evaluate("[...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href'))")
        menu = page.evaluate("[...document.querySelectorAll('#mainnav a.nav-link')].map((a) => a.getAttribute('href'))")
        tabs = page.evaluate("[...document.querySelectorAll('main .nav-tabs a.nav-link')].map((a) => a.getAttribute('href'))")
        page.set_viewport_size({"width": NARROW[0], "height": NARROW[1]})
        page.wait_for_timeout(50)
        self.check(url, NARROW[0])
        for error in page.errors[errors_before:]:
            self.fail(url, 0, f"console: {error}")
        return menu, tabs, links

    def screenshot(self, url, name):
        for width, height in (WIDE, NARROW):
            self.page.set_viewport_size({"width": width, "height": height})
            self.page.goto(url)
            self.page.screenshot(path=str(SCREENSHOTS / f"{self.persona}-{name}-{width}.png"), full_page=True)

    def run(self, main_form: str | None) -> list[str]:
        seen, found = set(), {}
        queue = ["/"]
        while queue:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            menu, tabs, links = self.visit(url)
            for href in menu:
                path = urlsplit(href).path
                if path.startswith("/") and not NEVER.search(path) and path not in seen:
                    queue.append(path)
            for href in tabs:  # the sub-navigation's pages read alike for everyone: once per crawl
                path = urlsplit(href).path
                if path.startswith("/") and not NEVER.search(path) and path not in self.tabs_seen:
                    self.tabs_seen.add(path)
                    queue.append(path)
            for href in links:
                path = urlsplit(href).path
                if not path.startswith("/") or NEVER.search(path):
                    continue
                for pattern in DETAIL_PAGES:
                    if pattern not in found and re.match(pattern, path):
                        found[pattern] = path
                        queue.append(path)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.screenshot("/", "home")
        if main_form:
            assert main_form in found, f"{self.persona}: the crawl never reached the main form {main_form}"
            self.screenshot(found[main_form], "form")
        return sorted(seen)


# The crawl visits some 80 pages (the statistics dashboards and the activities register among them) at
# two widths: on two shared cores it needs more than the suite's default 300 s.
@pytest.mark.timeout(900)
def test_every_page_of_every_persona_fits_the_screen_is_clickable_translated_and_accessible(
    signed_in_page, capsys,
):
    for loader in DEMO_LOADERS:
        import_string(loader)()
    phrases = catalogue_phrases()
    problems, minor, visited, tabs_seen = [], defaultdict(set), {}, set()
    for username, main_form in PERSONAS.items():
        crawl = Crawl(signed_in_page(User.objects.get(username=username), *WIDE), username, phrases, tabs_seen)
        visited[username] = crawl.run(main_form)
        problems += crawl.problems
        for key, urls in crawl.minor.items():
            minor[key] |= {f"{username} {url}" for url in urls}
        crawl.page.context.close()

    with capsys.disabled():
        print(f"\nlayout check: {sum(map(len, visited.values()))} pages")
        for username, urls in visited.items():
            print(f"  {username}: {' '.join(urls)}")
        for key, urls in sorted(minor.items()):
            print(f"  axe {key} on {len(urls)} page(s): {', '.join(sorted(urls)[:4])}")
    assert all(len(urls) >= 5 for urls in visited.values()), visited
    (SCREENSHOTS.parent / "layout-problems.txt").write_text("\n".join(problems))
    assert problems == [], "\n".join(problems)
