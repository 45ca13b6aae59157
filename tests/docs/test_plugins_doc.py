"""docs/plugins.md documents every hook with its exact signature."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from core.plugin import hookspecs

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def _specs() -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(func)
        for name, func in vars(hookspecs).items()
        if callable(func) and hasattr(func, "sinergi_spec")
    }


def _signature_text(name: str, signature: inspect.Signature) -> str:
    params = ", ".join(
        f"{p.name}: {p.annotation}" if p.annotation is not inspect.Parameter.empty else p.name
        for p in signature.parameters.values()
    )
    return f"def {name}({params}) -> {signature.return_annotation}"


def test_every_hook_is_documented_with_its_signature():
    text = GUIDE.read_text(encoding="utf-8")
    specs = _specs()
    assert len(specs) >= 12
    for name, signature in specs.items():
        assert f"### {name}\n" in text, f"docs/plugins.md has no section for hook {name}"
        assert _signature_text(name, signature) in text, (
            f"docs/plugins.md shows another signature for {name}; expected "
            f"{_signature_text(name, signature)!r}"
        )


def test_guide_documents_no_hook_that_does_not_exist():
    text = GUIDE.read_text(encoding="utf-8")
    hooks_part = text.split("## Hooks", 1)[1].split("## Testing", 1)[0]
    documented = set(re.findall(r"^### (\w+)$", hooks_part, flags=re.MULTILINE))
    assert documented == set(_specs())


def test_walk_through_plugin_works(app, tmp_path, monkeypatch):
    """The guide's example plugin, taken from the guide itself, loads and answers."""
    from core.app import create_app

    text = GUIDE.read_text(encoding="utf-8")
    source = text.split("`sinergi_hello/__init__.py`:\n\n```python\n", 1)[1].split("```", 1)[0]
    package = tmp_path / "sinergi_hello"
    package.mkdir()
    (package / "__init__.py").write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    hello_app = create_app(
        {"database_url": app.config["DATABASE_URL"], "instance_path": str(tmp_path),
         "plugin_modules": ["hello=sinergi_hello"]},
        env="test",
    )
    states = {p["name"]: p for p in hello_app.extensions["sinergi.plugins"].describe()}
    assert states["hello"]["state"] == "enabled"
    assert states["hello"]["handlers"] == ["hello.log_submission"]
    client = hello_app.test_client()
    assert client.get("/hello/").get_data(as_text=True) == "Halo dari plugin!"
    assert client.get("/api/v1/hello/ping").json == {"pong": True}
    assert "/api/v1/hello/ping" in client.get("/api/openapi.json").json["paths"]
    assert 'href="/hello/"' in client.get("/").get_data(as_text=True)
