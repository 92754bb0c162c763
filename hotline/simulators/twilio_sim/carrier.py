"""The phone network's side of the sim: inbound texts and status callbacks to the hotline."""

from __future__ import annotations

import logging
import threading
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from hotline.simulators.twilio_sim.signing import SIGNATURE_HEADER, compute_signature
from hotline.simulators.twilio_sim.state import (
    API_VERSION,
    CallbackAttempt,
    OptOutType,
    SimMessage,
    SimState,
    keyword_type,
    new_sid,
)
from hotline.sms.segments import segment_count

log = logging.getLogger(__name__)

USER_AGENT = "TwilioProxy/1.1"
IDEMPOTENCY_HEADER = "I-Twilio-Idempotency-Token"


@dataclass(frozen=True)
class HttpAnswer:
    """What the hotline answered to one webhook POST."""

    status: int
    text: str
    content_type: str = ""


class WebhookPostError(Exception):
    """The webhook could not be delivered at all (connection refused, timeout, ...)."""


# A poster POSTs form params with headers to a URL. The default speaks HTTP; a test may pass
# one that calls a Flask test client instead, so the sim can drive a hotline with no server.
Poster = Callable[[str, Mapping[str, str], Mapping[str, str]], HttpAnswer]


class RequestsPoster:
    """Posts over HTTP with one pooled requests session per thread."""

    def __init__(self, timeout: float = 10) -> None:
        self.timeout = timeout
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    def __call__(
        self, url: str, params: Mapping[str, str], headers: Mapping[str, str]
    ) -> HttpAnswer:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            # Sessions are not safe to share between threads, and callbacks run on several.
            session = self._local.session = requests.Session()
            with self._sessions_lock:
                self._sessions.append(session)
        try:
            response = session.post(
                url, data=dict(params), headers=dict(headers), timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise WebhookPostError(str(exc)) from exc
        return HttpAnswer(
            response.status_code, response.text, response.headers.get("Content-Type", "")
        )

    def close(self) -> None:
        """Close every thread's session, so no pooled socket outlives the sim."""
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        self._local = threading.local()


@dataclass(frozen=True)
class InboundResult:
    """One text a phone sent to the hotline, the webhook request and the hotline's answer."""

    message: SimMessage
    url: str
    params: dict[str, str]
    signature: str
    idempotency_token: str
    status_code: int | None
    response_text: str
    replies: list[SimMessage] = field(default_factory=list)
    error: str | None = None

    @property
    def opt_out_type(self) -> str | None:
        return self.params.get("OptOutType")

    @property
    def ok(self) -> bool:
        """Whether the hotline took the webhook (answered 2xx)."""
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class TwimlMessage:
    to_number: str
    from_number: str
    body: str


def parse_twiml_messages(text: str, *, default_to: str, default_from: str) -> list[TwimlMessage]:
    """The <Message> verbs of a TwiML answer, with Twilio's defaults for to and from."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        # Twilio reports 12100 (document parse failure) and sends nothing; so does the sim.
        log.warning("hotline answered TwiML that does not parse")
        return []
    if root.tag != "Response":
        return []
    messages = []
    for verb in root.iter("Message"):
        body_element = verb.find("Body")
        body = (body_element.text if body_element is not None else verb.text) or ""
        body = body.strip()
        if not body:
            continue
        messages.append(
            TwimlMessage(
                to_number=verb.get("to") or default_to,
                from_number=verb.get("from") or default_from,
                body=body,
            )
        )
    return messages


class Carrier:
    """Delivers webhooks to the hotline: inbound texts now, status callbacks in the background."""

    def __init__(self, state: SimState, poster: Poster | None = None, max_workers: int = 8) -> None:
        self.state = state
        # Only a poster the carrier made is the carrier's to close.
        self._own_poster: RequestsPoster | None = None
        if poster is None:
            poster = self._own_poster = RequestsPoster()
        self.poster: Poster = poster
        self._max_workers = max_workers
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()

    # -- status callbacks -------------------------------------------------------------------

    def schedule_callbacks(self, message: SimMessage) -> None:
        """Move a just-accepted message through sent to its final status, posting callbacks."""
        state = self.state
        if not message.status_callback or not state.callbacks_enabled:
            # The phone still gets the text; only the report back to the hotline is missing.
            final, error_code = state.final_status_for(message.to_number)
            state.set_status(message.sid, final, error_code)
            return
        state.callback_started()
        try:
            future = self._get_executor().submit(self._deliver_callbacks, message)
        except RuntimeError:  # the executor is shutting down
            state.callback_finished([])
            raise
        future.add_done_callback(self._count_cancelled)

    def _count_cancelled(self, future: Future[None]) -> None:
        # A callback cancelled by close() never ran, so nothing else marks it finished.
        if future.cancelled():
            self.state.callback_finished([])

    def _get_executor(self) -> ThreadPoolExecutor:
        with self._executor_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self._max_workers, thread_name_prefix="twilio-sim-callback"
                )
            return self._executor

    def _deliver_callbacks(self, message: SimMessage) -> None:
        attempts: list[CallbackAttempt] = []
        try:
            final = self.state.final_status_for(message.to_number)
            for status, error_code in (("sent", None), final):
                self.state.set_status(message.sid, status, error_code)
                attempts.append(self._post_callback(message, status, error_code))
        finally:
            self.state.callback_finished(attempts)

    def _post_callback(
        self, message: SimMessage, status: str, error_code: int | None
    ) -> CallbackAttempt:
        assert message.status_callback is not None
        url = message.status_callback
        params = {
            "SmsSid": message.sid,
            "SmsStatus": status,
            "MessageStatus": status,
            "To": message.to_number,
            "MessageSid": message.sid,
            "AccountSid": message.account_sid,
            "From": message.from_number,
            "ApiVersion": API_VERSION,
        }
        if message.messaging_service_sid:
            params["MessagingServiceSid"] = message.messaging_service_sid
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        headers = self._headers(compute_signature(self.state.auth_token, url, params))
        try:
            answer = self.poster(url, params, headers)
        except WebhookPostError as exc:
            # Twilio does not retry a failed status callback, so neither does the sim.
            log.info("status callback for %s could not be posted: %s", message.sid, exc)
            return CallbackAttempt(message.sid, status, url, None, str(exc))
        return CallbackAttempt(message.sid, status, url, answer.status)

    # -- inbound texts ----------------------------------------------------------------------

    def text_hotline(
        self,
        from_number: str,
        to_number: str,
        body: str,
        *,
        opt_out_type: OptOutType | None = None,
        bad_signature: bool = False,
    ) -> InboundResult:
        """Text the hotline from a phone, exactly as Twilio posts an inbound SMS webhook."""
        state = self.state
        url = state.sms_webhook_url
        keyword = opt_out_type or keyword_type(body)
        sid = new_sid()
        params = {
            "ToCountry": "US",
            "SmsMessageSid": sid,
            "NumMedia": "0",
            "SmsSid": sid,
            "SmsStatus": "received",
            "Body": body,
            "FromCountry": "US",
            "To": to_number,
            "NumSegments": str(segment_count(body)),
            "MessageSid": sid,
            "AccountSid": state.account_sid,
            "From": from_number,
            "ApiVersion": API_VERSION,
        }
        if state.messaging_service_sid:
            params["MessagingServiceSid"] = state.messaging_service_sid
        if keyword is not None:
            params["OptOutType"] = keyword
        message = state.record_inbound(
            sid=sid, from_number=from_number, to_number=to_number, body=body, opt_out=keyword
        )
        signature = compute_signature(state.auth_token, url, params)
        if bad_signature:
            signature = compute_signature(state.auth_token + "-wrong", url, params)
        return self._post_inbound(message, url, params, signature, uuid.uuid4().hex)

    def repost(self, result: InboundResult) -> InboundResult:
        """Post the same inbound webhook again, as Twilio does when a delivery attempt fails."""
        return self._post_inbound(
            result.message, result.url, result.params, result.signature, result.idempotency_token
        )

    def _post_inbound(
        self,
        message: SimMessage,
        url: str,
        params: dict[str, str],
        signature: str,
        idempotency_token: str,
    ) -> InboundResult:
        headers = self._headers(signature)
        headers[IDEMPOTENCY_HEADER] = idempotency_token
        try:
            answer = self.poster(url, params, headers)
        except WebhookPostError as exc:
            return InboundResult(
                message, url, params, signature, idempotency_token, None, "", [], str(exc)
            )
        replies = []
        if 200 <= answer.status < 300:
            for reply in self._replies_in(answer, message):
                replies.append(
                    self.state.record_inline_reply(
                        from_number=reply.from_number, to_number=reply.to_number, body=reply.body
                    )
                )
        return InboundResult(
            message, url, params, signature, idempotency_token, answer.status, answer.text, replies
        )

    @staticmethod
    def _replies_in(answer: HttpAnswer, message: SimMessage) -> list[TwimlMessage]:
        content_type = answer.content_type.split(";")[0].strip().lower()
        if content_type == "text/plain":
            # Twilio sends a plain-text webhook answer back to the sender as it stands.
            body = answer.text.strip()
            return [TwimlMessage(message.from_number, message.to_number, body)] if body else []
        if not answer.text.strip():
            return []
        return parse_twiml_messages(
            answer.text, default_to=message.from_number, default_from=message.to_number
        )

    @staticmethod
    def _headers(signature: str) -> dict[str, str]:
        return {
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: signature,
        }

    def close(self) -> None:
        """Stop posting callbacks: drop those not started, finish those under way."""
        with self._executor_lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            # Waiting is bounded by the poster's timeout, and leaves no thread using a session.
            executor.shutdown(wait=True, cancel_futures=True)
        if self._own_poster is not None:
            self._own_poster.close()
