"""The interface strings go through Babel, and the English catalogue covers all of them."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "enroll" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def test_english_catalogue_has_every_extracted_message_translated(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as fh:
        extracted = {m.id for m in read_po(fh) if m.id}
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    assert sorted(extracted - translated) == []
