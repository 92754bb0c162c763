"""`hotline dispatcher add --password` and `hotline dispatcher password` set a usable hash."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from werkzeug.security import check_password_hash

from hotline.cli import main
from hotline.models import Dispatcher
from hotline.runtime.db import make_engine, make_session_factory


def test_dispatcher_passwords_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOTLINE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'h.sqlite'}")
    monkeypatch.setenv("HOTLINE_NUMBER", "+16175550100")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    added = runner.invoke(
        main,
        ["dispatcher", "add", "617 555 0199", "--name", "Dee", "--password"],
        input="first long password\nfirst long password\n",
    )
    assert added.exit_code == 0, added.output
    short = runner.invoke(main, ["dispatcher", "password", "6175550199"], input="short\nshort\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    changed = runner.invoke(
        main,
        ["dispatcher", "password", "6175550199"],
        input="second long password\nsecond long password\n",
    )
    assert changed.exit_code == 0, changed.output
    engine = make_engine(f"sqlite:///{tmp_path / 'h.sqlite'}")
    with make_session_factory(engine)() as session:
        stored = session.scalar(select(Dispatcher.password_hash))
    engine.dispose()
    assert stored and stored.startswith("scrypt:")
    assert check_password_hash(stored, "second long password")
