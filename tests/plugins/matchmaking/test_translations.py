"""The plugin's Indonesian catalogue covers every message of ``plugins/matchmaking`` (pages,
API and service errors, labels), translated, no fuzzy entries, placeholders intact, and
agrees with core's catalogue wherever both translate the same message (catalogues are merged,
so a disagreement would change core's pages).

When this fails after adding a message: ``pybabel extract`` the plugin (see
docs/matchmaking.md, "Translations"), ``pybabel update -d plugins/matchmaking/translations``,
translate the new entries, ``pybabel compile``.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
PLUGIN = ROOT / "plugins" / "matchmaking"
CATALOGUE = PLUGIN / "translations" / "id" / "LC_MESSAGES" / "messages.po"
CORE = ROOT / "core" / "translations" / "id" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[.\d]*[sdf]|\{\w+\}|%%")


def _read(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


def _key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _extracted_ids() -> set[str]:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            PLUGIN, method_map, keywords=keywords,
            directory_filter=lambda path: not Path(path).name.startswith((".", "__")),
        )
    }


def test_every_message_of_the_plugin_is_in_the_catalogue():
    extracted = _extracted_ids()
    assert len(extracted) > 300  # pages, labels and the services' messages
    known = {_key(m) for m in _read(CATALOGUE) if m.id}
    missing = sorted(extracted - known)
    assert not missing, f"not in the matchmaking messages.po: {missing}"


def test_every_message_is_translated_with_its_placeholders():
    problems = []
    for message in _read(CATALOGUE):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[-1]
        target = message.string if isinstance(message.string, str) else message.string[0]
        if not target or message.fuzzy:
            problems.append(("untranslated or fuzzy", source))
        elif sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
            problems.append(("placeholders differ", source))
    assert not problems, problems


def test_shared_messages_agree_with_core():
    core = {_key(m): m.string for m in _read(CORE) if m.id and m.string}
    differ = [(_key(m), m.string, core[_key(m)]) for m in _read(CATALOGUE)
              if m.id and _key(m) in core and m.string != core[_key(m)]]
    assert not differ, differ
