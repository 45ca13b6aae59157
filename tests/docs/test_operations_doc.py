"""docs/operations.md only shows commands and settings that exist: every ``sinergi …`` command
line of its code blocks names existing subcommands and options of the click group (with the
enabled plugins' commands), and every ``SINERGI_*`` variable is a documented setting."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "operations.md"
CONFIG_DOC = ROOT / "docs" / "configuration.md"

#: ``sinergi`` as the program of a command: at the start of a line (after an optional path
#: such as ``.venv/bin/``), after ``ExecStart=``, or after a shell operator.
COMMAND = re.compile(r"(?:^|ExecStart=|&&|;|\|)\s*(?:[\w./-]*/)?sinergi(?=\s|$)(?P<rest>[^\n]*)",
                     re.M)
SHELL_OPERATORS = {"&&", "||", "|", ";", ">", ">>", "<", "2>&1", "\\"}
#: Variables that steer the loading of settings or the tests, not settings themselves.
NOT_SETTINGS = {"SINERGI_CONFIG", "SINERGI_CONFIG_DIR", "SINERGI_TEST_DATABASE_URL",
                "SINERGI_TEST_BROKER_URL"}


def code_blocks(text: str) -> list[str]:
    return re.findall(r"^```[\w-]*\n(.*?)^```", text, flags=re.M | re.S)


def command_lines(text: str) -> list[list[str]]:
    """The argument lists after ``sinergi`` in the code blocks (continued lines joined)."""
    found = []
    for block in code_blocks(text):
        joined = re.sub(r"\\\n\s*", " ", block)
        for match in COMMAND.finditer(joined):
            rest = match.group("rest").split(" #", 1)[0]
            args = []
            for token in shlex.split(rest, comments=False):
                if token in SHELL_OPERATORS or token.startswith("#"):
                    break
                args.append(token)
            found.append(args)
    return found


def inline_commands(text: str) -> list[list[str]]:
    """Commands quoted in the prose: code spans such as `sinergi db revision -m "…"`."""
    prose = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    return [shlex.split(m.group(1)) for m in
            re.finditer(r"`(?:[\w./-]*/)?sinergi +([^`]+)`", prose)]


def resolve(group: click.Group, args: list[str]) -> tuple[list[str], click.Command]:
    """Walk subcommands; returns the path and the command the remaining arguments go to."""
    path: list[str] = []
    command: click.Command = group
    for token in args:
        if not isinstance(command, click.Group) or token.startswith("-"):
            break
        sub = command.get_command(click.Context(command), token)
        assert sub is not None, (
            f"docs/operations.md: 'sinergi {' '.join(args)}': no command "
            f"'{' '.join([*path, token])}'")
        path.append(token)
        command = sub
    return path, command


def options_of(command: click.Command) -> set[str]:
    names = {"--help"}
    for param in command.params:
        if isinstance(param, click.Option):
            names.update(param.opts)
            names.update(param.secondary_opts)
    return names


@pytest.fixture()
def full_group(app) -> click.Group:
    """The ``sinergi`` group with the commands the (suite's, all enabled) plugins add."""
    from core.cli import main as cli

    group = click.Group(name="sinergi", commands=dict(cli.commands))
    app.extensions["sinergi.plugins"].call("register_commands", cli=group)
    return group


def test_the_guide_shows_commands() -> None:
    lines = command_lines(DOC.read_text(encoding="utf-8"))
    assert len(lines) >= 15, lines
    assert ["events", "status"] in [line[:2] for line in lines]


def test_every_command_and_option_exists(full_group: click.Group) -> None:
    text = DOC.read_text(encoding="utf-8")
    for args in command_lines(text) + inline_commands(text):
        assert args, "a bare 'sinergi' in a code block"
        path, command = resolve(full_group, args)
        assert args[len(path):] == ["--help"] or not isinstance(command, click.Group), (
            f"'sinergi {' '.join(args)}' stops at the group '{' '.join(path)}'")
        known = options_of(command)
        for token in args[len(path):]:
            if token.startswith("-"):
                option = token.split("=", 1)[0]
                assert option in known, (
                    f"'sinergi {' '.join(args)}': '{' '.join(path)}' has no option {option}")


def test_the_checker_refuses_what_does_not_exist(full_group: click.Group) -> None:
    """The checks above can fail: a made-up subcommand and option are caught."""
    with pytest.raises(AssertionError):
        resolve(full_group, ["events", "purge"])
    _path, command = resolve(full_group, ["worker", "--handler", "x"])
    assert "--handler" in options_of(command) and "--threads" not in options_of(command)
    assert command_lines("```sh\ncreatedb --owner sinergi sinergi\n```\n") == []
    assert command_lines("```ini\nExecStart=/opt/x/.venv/bin/sinergi relay\n```\n") == [
        ["relay"]]
    assert inline_commands("Run `sinergi db revision -m \"x y\"`, not `sinergi.events`.") == [
        ["db", "revision", "-m", "x y"]]


def test_every_environment_variable_is_a_documented_setting() -> None:
    text = DOC.read_text(encoding="utf-8")
    config_doc = CONFIG_DOC.read_text(encoding="utf-8")
    for name in sorted(set(re.findall(r"\bSINERGI_[A-Z0-9_]*[A-Z0-9]", text)) - NOT_SETTINGS):
        if name.startswith("SINERGI_PLUGINS__"):
            plugin, key = name.removeprefix("SINERGI_PLUGINS__").lower().split("__", 1)
            assert f"`{plugin}.{key}`" in config_doc, f"{name}: not in docs/configuration.md"
        else:
            assert f"`{name}`" in config_doc, f"{name}: not in docs/configuration.md"
