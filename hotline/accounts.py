"""Dispatcher sign-in: password hashes, texted one-time codes and the sign-in rate limits."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from redis import Redis
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from hotline.models import Contact, Dispatcher

PASSWORD_METHOD = "scrypt"
MIN_PASSWORD_LENGTH = 10
CODE_DIGITS = 6
CODE_SECONDS = 10 * 60
# Checked against when the number is unknown, so that a miss takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password", method=PASSWORD_METHOD)


class WeakPassword(ValueError):
    """A password too short to set; the message says why in one line."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"use at least {MIN_PASSWORD_LENGTH} characters")
    return generate_password_hash(password, method=PASSWORD_METHOD)


def set_password(dispatcher: Dispatcher, password: str) -> None:
    dispatcher.password_hash = hash_password(password)


def session_stamp(dispatcher: Dispatcher) -> str:
    """Changes whenever the password does, so that setting a new one signs out old sessions."""
    return hashlib.sha256((dispatcher.password_hash or "-").encode()).hexdigest()[:16]


def dispatchers_for(session: Session, number: str) -> Sequence[Dispatcher]:
    """Active dispatchers with this E.164 number, oldest first (one per group they serve)."""
    return session.scalars(
        select(Dispatcher)
        .join(Contact, Dispatcher.contact_id == Contact.id)
        .where(Contact.phone_number == number, Dispatcher.active.is_(True))
        .order_by(Dispatcher.id)
    ).all()


def check_password(candidates: Sequence[Dispatcher], password: str) -> list[Dispatcher]:
    """Every dispatcher record (one per group) this password opens, oldest first; a dummy
    hash is checked when there is nobody, so an unknown number takes as long to refuse."""
    opened = [
        dispatcher
        for dispatcher in candidates
        if dispatcher.password_hash and check_password_hash(dispatcher.password_hash, password)
    ]
    if not any(d.password_hash for d in candidates):
        check_password_hash(_DUMMY_HASH, password)
    return opened


@dataclass(frozen=True)
class LoginCodes:
    """Six-digit codes texted to a dispatcher: kept only as a keyed hash, expiring, used once.

    A code belongs to the number *and* the address that asked for it, so that a stranger
    asking for (or guessing at) codes elsewhere neither replaces nor burns the real one.
    """

    redis: Redis[bytes]
    secret: str
    ttl_seconds: int = CODE_SECONDS

    def _key(self, number: str, address: str) -> str:
        return "hotline:login-code:" + _digest(self.secret, f"{number} {address}")

    def _hash(self, number: str, code: str) -> str:
        return _digest(self.secret, f"{number}:{code}")

    def issue(self, number: str, address: str, dispatcher_id: int) -> str:
        """A fresh code for `number` asked from `address`, replacing any earlier one from there."""
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        value = f"{self._hash(number, code)}:{dispatcher_id}"
        self.redis.set(self._key(number, address), value.encode(), ex=self.ttl_seconds)
        return code

    def redeem(self, number: str, address: str, code: str) -> int | None:
        """The dispatcher id the code was issued for, once; None for a wrong or spent code."""
        code = code.strip()
        if len(code) != CODE_DIGITS or not code.isdigit():
            return None
        key = self._key(number, address)
        stored = self.redis.get(key)
        if stored is None:
            return None
        wanted, _, dispatcher_id = stored.decode().partition(":")
        if not hmac.compare_digest(wanted, self._hash(number, code)):
            return None
        # Whoever deletes the key first has used the code; a second use finds nothing.
        if not self.redis.delete(key):
            return None
        return int(dispatcher_id)


def _digest(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
