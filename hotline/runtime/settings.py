"""The hotline's settings: one frozen object, and the only code that reads os.environ."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path


class MissingSetting(RuntimeError):
    """A required setting is absent or unusable; the message names it in one line."""


def _default_instance_path() -> Path:
    return Path.cwd() / "instance"


@dataclass(frozen=True)
class Settings:
    """Everything the web app, the workers and the CLI need to know about their surroundings."""

    database_url: str
    redis_url: str | None
    twilio_account_sid: str | None
    twilio_auth_token: str | None
    twilio_api_url: str | None
    hotline_number: str | None
    public_url: str | None
    secret_key: str | None
    instance_path: Path = field(default_factory=_default_instance_path)
    default_region: str = "US"
    default_language: str = "en"
    lexicon_dir: Path | None = None
    templates_dir: Path | None = None
    log_level: str = "INFO"
    # twilio's client, RQ and werkzeug log every request and job at INFO; quiet unless asked.
    library_log_level: str = "WARNING"
    retention_days: int = 90
    # Proxies (load balancers) in front of the web app whose X-Forwarded-For/-Proto to trust.
    trusted_proxies: int = 0
    # Live dashboard streams one web process holds at once; each holds a thread.
    dashboard_streams: int = 4
    # Times one inbound text's handling may raise before it is set aside for a dispatcher.
    inbound_attempts: int = 4
    gateway_url: str | None = None
    gateway_username: str | None = None
    gateway_password: str | None = None
    gateway_signing_key: str | None = None
    gateway_number: str | None = None
    gateway_group: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        instance = Path(env.get("HOTLINE_INSTANCE_PATH") or _default_instance_path())
        database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'hotline.sqlite'}"
        lexicon_dir = env.get("HOTLINE_LEXICON_DIR")
        templates_dir = env.get("HOTLINE_TEMPLATES_DIR")
        return cls(
            database_url=_sqlalchemy_url(database_url),
            redis_url=env.get("REDIS_URL") or None,
            twilio_account_sid=env.get("TWILIO_ACCOUNT_SID") or None,
            twilio_auth_token=env.get("TWILIO_AUTH_TOKEN") or None,
            twilio_api_url=(env.get("TWILIO_API_URL") or "").rstrip("/") or None,
            hotline_number=env.get("HOTLINE_NUMBER") or None,
            public_url=(env.get("HOTLINE_PUBLIC_URL") or "").rstrip("/") or None,
            secret_key=env.get("SECRET_KEY") or None,
            instance_path=instance,
            default_region=(env.get("HOTLINE_REGION") or "US").upper(),
            default_language=(env.get("HOTLINE_LANGUAGE") or "en").lower(),
            lexicon_dir=Path(lexicon_dir) if lexicon_dir else None,
            templates_dir=Path(templates_dir) if templates_dir else None,
            log_level=(env.get("HOTLINE_LOG_LEVEL") or "INFO").upper(),
            library_log_level=(env.get("HOTLINE_LIBRARY_LOG_LEVEL") or "WARNING").upper(),
            retention_days=_whole_number(env, "HOTLINE_RETENTION_DAYS", 90),
            trusted_proxies=_whole_number(env, "HOTLINE_TRUSTED_PROXIES", 0),
            dashboard_streams=_whole_number(env, "HOTLINE_DASHBOARD_STREAMS", 4),
            inbound_attempts=max(1, _whole_number(env, "HOTLINE_INBOUND_ATTEMPTS", 4)),
            gateway_url=(env.get("GATEWAY_URL") or "").rstrip("/") or None,
            gateway_username=env.get("GATEWAY_USERNAME") or None,
            gateway_password=env.get("GATEWAY_PASSWORD") or None,
            gateway_signing_key=env.get("GATEWAY_SIGNING_KEY") or None,
            gateway_number=env.get("GATEWAY_NUMBER") or None,
            gateway_group=env.get("GATEWAY_GROUP") or None,
        )

    def require(self, *names: str) -> Settings:
        """Stop with one clear line naming the first required setting that is missing."""
        for name in names:
            if not getattr(self, _FIELD_FOR_ENV[name]):
                raise MissingSetting(f"{name} is not set: {_WHY[name]}")
        return self

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]  # dataclasses.replace is untyped for **kwargs


# The settings that a production web process and worker cannot run without.
PRODUCTION_REQUIRED = (
    "REDIS_URL",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "HOTLINE_PUBLIC_URL",
    "SECRET_KEY",
)

_FIELD_FOR_ENV = {
    "REDIS_URL": "redis_url",
    "TWILIO_ACCOUNT_SID": "twilio_account_sid",
    "TWILIO_AUTH_TOKEN": "twilio_auth_token",
    "HOTLINE_PUBLIC_URL": "public_url",
    "SECRET_KEY": "secret_key",
}

_WHY = {
    "REDIS_URL": "set it to redis://host:6379/0 (or use `hotline run` for an embedded one)",
    "TWILIO_ACCOUNT_SID": "copy it from the Twilio console (starts with AC)",
    "TWILIO_AUTH_TOKEN": "copy it from the Twilio console; webhooks are verified with it",
    "HOTLINE_PUBLIC_URL": "the https URL Twilio reaches this app at; signatures are checked on it",
    "SECRET_KEY": "a long random string: python -c 'import secrets;print(secrets.token_hex())'",
}


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise MissingSetting(f"{name} must be a whole number (0 or more), not {raw!r}")
    return int(raw)


def _sqlalchemy_url(url: str) -> str:
    """Accept the postgres:// URLs that hosting platforms hand out and pick the psycopg driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
