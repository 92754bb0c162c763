"""The reference for benchmarks/webhook.py: the tutorial pattern, with no database.

Flask, Twilio's RequestValidator and one RQ enqueue of the message, answering empty TwiML:
what a webhook costs before anything is kept. The hotline does this plus committing a row.
"""

import os

from flask import Flask, Response, abort, request
from redis import Redis
from rq import Queue
from twilio.request_validator import RequestValidator

from benchmarks.noop import noop

app = Flask(__name__)
_validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
_queue = Queue("tutorial-inbound", connection=Redis.from_url(os.environ["REDIS_URL"]))
_public_url = os.environ["HOTLINE_PUBLIC_URL"]


@app.post("/twilio/sms")
def sms() -> Response:
    form = request.form
    signature = request.headers.get("X-Twilio-Signature", "")
    if not _validator.validate(_public_url + request.path, form.to_dict(), signature):
        abort(403)
    _queue.enqueue(noop, form["MessageSid"], form.get("From", ""), form.get("Body", ""))
    return Response('<?xml version="1.0" encoding="UTF-8"?><Response />', mimetype="text/xml")
