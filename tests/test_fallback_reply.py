"""`hotline fallback-reply`: what Twilio answers a neighbour with while the hotline is down."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from hotline.cli import main
from hotline.sms.segments import segment_count
from hotline.sms.templates import TemplateBook, default_template_root


@pytest.fixture
def cli(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("HOTLINE_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("HOTLINE_NUMBER", raising=False)
    monkeypatch.delenv("GATEWAY_NUMBER", raising=False)
    return CliRunner()


def run(cli: CliRunner, *args: str, ok: bool = True) -> str:
    result = cli.invoke(main, list(args), catch_exceptions=False)
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def replies(output: str) -> dict[str, str]:
    """Language -> the one <Message> of its TwiML, in the order printed."""
    lines = output.splitlines()
    found: dict[str, str] = {}
    for label, twiml in zip(lines[::2], lines[1::2], strict=True):
        root = ET.fromstring(twiml.encode())
        assert root.tag == "Response"
        [message] = list(root)
        assert message.tag == "Message" and not list(message)
        found[label.rstrip(":")] = message.text or ""
    return found


def test_each_language_tells_the_neighbour_which_number_to_text_instead(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(cli, "group", "add", "Cap & Haut Aide", "--number", "617 555 0100", "--language", "ht")
    monkeypatch.setenv("GATEWAY_NUMBER", "+16175550177")
    got = replies(run(cli, "fallback-reply"))
    assert list(got) == ["ht", "en", "es", "fr"]  # the group's language first
    book = TemplateBook(default_template_root())
    for language, text in got.items():
        expected = book.render(
            "fallback_down",
            language,
            fallback="en",
            group="Cap & Haut Aide",
            phone="(617) 555-0177",
            emergency="911",
        )
        assert text == expected.text
        assert "(617) 555-0177" in text and segment_count(text) == 1
    assert "briefly down" in got["en"] and "pa mache" in got["ht"]


def test_another_number_can_be_given_and_a_missing_one_is_one_line(cli: CliRunner) -> None:
    run(cli, "group", "add", "Somerville Mutual Aid", "--number", "617 555 0100")
    assert "Error: no number to text instead" in run(cli, "fallback-reply", ok=False)
    assert "not a valid phone number" in run(cli, "fallback-reply", "--phone", "12", ok=False)
    got = replies(run(cli, "fallback-reply", "--phone", "617-555-0188"))
    assert list(got) == ["en", "es", "fr", "ht"]
    assert all("(617) 555-0188" in text for text in got.values())
