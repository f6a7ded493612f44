"""``flask translate update``: extract the interface strings, update the English catalogue, and
write the traditional-Chinese one (zh_Hant) from the simplified source strings with OpenCC.

Every msgid is simplified Chinese, so the zh_Hant catalogue is a conversion, not a translation: it
is written anew from the template each time (OpenCC ``core.i18n.TRADITIONAL``), with
the phrases in ``zh_Hant_overrides.json`` where the conversion needs a human word. A test checks the
committed catalogue is exactly what this command writes.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from flask.cli import AppGroup

from enroll.core.i18n import EXTRACT_KEYWORDS, TRADITIONAL

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "enroll" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
HANT = TRANSLATIONS / "zh_Hant" / "LC_MESSAGES" / "messages.po"
OVERRIDES = TRANSLATIONS / "zh_Hant_overrides.json"

translate_cli = AppGroup("translate", help="界面翻译 (interface translations).")


def hant_catalogue(template: Catalog) -> Catalog:
    """The zh_Hant catalogue of ``template``: every message converted (or overridden)."""
    import opencc

    converter = opencc.OpenCC(TRADITIONAL)
    overrides = json.loads(OVERRIDES.read_text(encoding="utf-8")) if OVERRIDES.exists() else {}
    catalogue = Catalog(locale="zh_Hant", project="enroll", fuzzy=False)
    for message in template:
        if not message.id:
            continue
        source = message.id[0] if message.pluralizable else message.id  # Chinese: one plural form
        converted = overrides.get(source) or converter.convert(source)
        catalogue.add(message.id, (converted,) if message.pluralizable else converted,
                      locations=message.locations, flags=message.flags - {"fuzzy"})
    return catalogue


def write_hant() -> int:
    with TEMPLATE.open("rb") as fh:
        catalogue = hant_catalogue(read_po(fh))
    HANT.parent.mkdir(parents=True, exist_ok=True)
    with HANT.open("wb") as fh:
        write_po(fh, catalogue, width=100, omit_header=False, sort_output=False)
    return len(catalogue)


@translate_cli.command("update")
def translate_update():
    """Extract strings, update en (new ones are marked for a translator), rewrite zh_Hant, compile."""
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    subprocess.run([pybabel, "extract", "-F", "babel.cfg", *EXTRACT_KEYWORDS, "-o", str(TEMPLATE), "."], cwd=ROOT,
                   check=True)
    subprocess.run([pybabel, "update", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-l", "en"], cwd=ROOT, check=True)
    click.echo(f"zh_Hant: {write_hant()} messages converted")
    subprocess.run([pybabel, "compile", "-d", str(TRANSLATIONS), "-f"], cwd=ROOT, check=True)


def register(app) -> None:
    app.cli.add_command(translate_cli)
