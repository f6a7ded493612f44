"""The interface strings go through Babel, and every catalogue covers all of them: English by
translators, traditional Chinese written from the simplified source by ``flask translate update``."""
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from enroll.core.i18n import EXTRACT_KEYWORDS
from enroll.translate_cli import HANT, hant_catalogue

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = {"en": ROOT / "enroll" / "translations" / "en" / "LC_MESSAGES" / "messages.po", "zh_Hant": HANT}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The messages extracted from the code and templates as they are now."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", *EXTRACT_KEYWORDS, "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as fh:
        return read_po(fh)


def forms(message) -> tuple:
    """A message's translations: one, or one per plural form of the language."""
    return tuple(message.string) if message.pluralizable else (message.string,)


def catalogue(locale: str):
    with CATALOGS[locale].open("rb") as fh:
        return read_po(fh)


@pytest.mark.parametrize("locale", sorted(CATALOGS))
def test_every_extracted_message_is_translated_and_none_is_fuzzy(template, locale):
    translated = {m.id for m in catalogue(locale) if m.id and all(forms(m)) and not m.fuzzy}
    assert sorted({m.id for m in template if m.id} - translated) == []


def test_the_traditional_catalogue_is_what_flask_translate_update_writes(template):
    """Run ``flask translate update`` after changing any interface string."""
    written = {m.id: m.string for m in catalogue("zh_Hant") if m.id}
    assert written == {m.id: m.string for m in hant_catalogue(template) if m.id}


def test_placeholders_survive_in_every_catalogue():
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]")
    for locale in CATALOGS:
        for message in catalogue(locale):
            source = message.id[0] if message.pluralizable else message.id
            for string in forms(message) if message.id else ():
                assert set(placeholder.findall(string)) == set(placeholder.findall(source)), (locale, source)


def test_a_counted_message_has_one_chinese_text(template):
    """Chinese has one plural form: ``ngettext("X", "X", n)`` in templates and ``_n("X", n)`` in code
    must give the same source text twice, or simplified readers would see two wordings."""
    assert [m.id for m in template if m.pluralizable and m.id[0] != m.id[1]] == []


def test_english_gives_both_forms_of_every_counted_message():
    counted = [m for m in catalogue("en") if m.id and m.pluralizable]
    assert counted and all(len(forms(m)) == 2 and all(forms(m)) for m in counted)
