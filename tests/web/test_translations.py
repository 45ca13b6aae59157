"""The core's Indonesian catalogue covers every message of ``core/``, translated, placeholders
intact. (Plugins ship their own catalogues in ``plugins/<name>/translations``.)

When this fails after adding a message, update the catalogue and translate the new entries:
``pybabel extract -F babel.cfg -k _l -k lazy_gettext -o /tmp/messages.pot .`` then
``pybabel update -i /tmp/messages.pot -d core/translations``.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "core" / "translations" / "id" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[.\d]*[sdf]|\{\w+\}|%%")


def _catalogue():
    with CATALOGUE.open("rb") as fh:
        return read_po(fh)


def _extracted_ids() -> set[str]:
    """Messages of the core's Python code and templates (per babel.cfg)."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    method_map = [(pattern, method) for pattern, method in method_map
                  if pattern.startswith("core/")]
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=keywords,
        directory_filter=lambda path: not Path(path).name.startswith("."),
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_core_message_is_in_the_catalogue():
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue() if m.id}
    missing = sorted(_extracted_ids() - known)
    assert not missing, f"not in messages.po (run pybabel extract/update): {missing}"


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


def test_outside_a_request_messages_use_the_default_language(app):
    """Command-line and worker code translate too: no request, the default language."""
    from flask_babel import force_locale, gettext

    with app.app_context():
        assert gettext("Not found") == "Tidak ditemukan"
        with force_locale("en"):
            assert gettext("Not found") == "Not found"
