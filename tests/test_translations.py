"""The UI is Vietnamese first: every string users read has a Vietnamese translation, compiled."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale"
VI_PO = LOCALE / "vi" / "LC_MESSAGES" / "django.po"
IGNORE = [".venv", "static", "var", "tests", "scripts", "staticfiles", "node_modules"]


def entries(po):
    return {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}


def test_every_vietnamese_message_is_translated():
    po = polib.pofile(str(VI_PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("language", ["vi", "en"])
def test_compiled_catalogue_matches_the_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    po, mo = polib.pofile(str(folder / "django.po")), polib.mofile(str(folder / "django.mo"))
    translated = {k: e.msgstr or e.msgstr_plural for k, e in entries(po).items() if e.translated()}
    compiled = {k: e.msgstr or e.msgstr_plural for k, e in entries(mo).items() if k[1]}
    assert compiled == translated, "run `make messages` to recompile the catalogues"


def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path, settings, monkeypatch):
    if not shutil.which("xgettext"):
        pytest.fail("xgettext (Debian package gettext) is needed; scripts/test.py installs it")
    # makemessages writes next to the sources it scans: scan links to them from a scratch folder,
    # with a copy of the catalogues, so the real ones are never touched.
    root = Path(settings.BASE_DIR)
    for child in root.iterdir():
        if child.name not in {*IGNORE, "locale"} and not child.name.startswith("."):
            (tmp_path / child.name).symlink_to(child)
    shutil.copytree(LOCALE, tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["vi"], ignore_patterns=IGNORE, symlinks=True, verbosity=0)

    fresh = entries(polib.pofile(str(tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po")))
    known = entries(polib.pofile(str(VI_PO)))
    assert sorted(k[1] for k in set(fresh) - set(known)) == [], "run `make messages` and translate"
