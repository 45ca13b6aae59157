"""The plugin's Indonesian catalogue covers every message of ``plugins/evaluation`` (Python and
templates), translated, not fuzzy, placeholders intact; pages are Indonesian by default and
English with ``?lang=en``, API problems follow ``Accept-Language``.

When this fails after adding a message, update the catalogue and translate the new entries:
``pybabel extract -F babel.cfg -k _l -k lazy_gettext -o /tmp/evaluation.pot .`` limited to the
plugin (see docs/evaluation.md, "Translations") then ``pybabel update``.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.plugins.evaluation.conftest import CATALOGUE, YEAR
from tests.web.conftest import text_of

ROOT = Path(__file__).resolve().parents[3]
PLUGIN = ROOT / "plugins" / "evaluation"
PLACEHOLDER = re.compile(r"%\(\w+\)[.\d]*[sdf]|\{\w+\}|%%")


def _catalogue():
    with CATALOGUE.open("rb") as fh:
        return read_po(fh)


def _extracted_ids() -> set[str]:
    """Messages of the plugin's Python code and templates, with the mapping of babel.cfg."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    method_map = [(pattern.removeprefix("plugins/"), method) for pattern, method in method_map
                  if pattern.startswith("plugins/")]
    assert method_map, "babel.cfg has no mapping for plugins"
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        PLUGIN, method_map, options_map, keywords=keywords,
        directory_filter=lambda path: not Path(path).name.startswith((".", "__")),
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_of_the_plugin_is_in_its_catalogue():
    extracted = _extracted_ids()
    assert len(extracted) > 200  # the extraction really ran over code and templates
    assert "Reconciliation" in extracted and "Enter a number." in extracted
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue() if m.id}
    missing = sorted(extracted - known)
    assert not missing, f"not in the plugin's messages.po (pybabel extract/update): {missing}"
    stale = sorted(known - extracted)
    assert not stale, f"no longer used, remove from messages.po: {stale}"


def test_every_message_is_translated_with_its_placeholders():
    problems = []
    for message in _catalogue():
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[-1]
        target = message.string if isinstance(message.string, str) else message.string[0]
        if not target or message.fuzzy:
            problems.append(("untranslated or fuzzy", source))
        elif sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
            problems.append(("placeholders differ", source))
    assert not problems, problems


def test_pages_are_indonesian_by_default_and_english_on_request(app, flow):
    flow.create()
    flow.action("open")
    browser = app.test_client()
    default = text_of(browser.get("/evaluasi/"))
    assert "Siklus evaluasi" in default and "Evaluasi kota cerdas" in default
    assert "Evaluation cycles" not in default
    english = text_of(browser.get("/evaluasi/?lang=en"))
    assert "Evaluation cycles" in english and "Siklus evaluasi" not in english
    # the choice sticks (cookie) until switched back
    assert "Participating regions" in text_of(browser.get(f"/evaluasi/{YEAR}"))
    cycle = text_of(browser.get(f"/evaluasi/{YEAR}?lang=id"))
    assert "Daerah peserta" in cycle and "Penilaian mandiri" in cycle


def test_api_problems_follow_accept_language(app):
    client = app.test_client()
    default = client.get("/api/v1/evaluation/cycles/1999")
    assert default.status_code == 404
    assert default.json["detail"] == "Tidak ada siklus evaluasi untuk tahun 1999."
    english = client.get("/api/v1/evaluation/cycles/1999", headers={"Accept-Language": "en"})
    assert english.json["detail"] == "There is no evaluation cycle for 1999."
