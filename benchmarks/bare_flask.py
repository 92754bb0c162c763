"""The baseline for benchmarks/webhook.py: a bare Flask endpoint answering empty TwiML."""

from flask import Flask, Response

app = Flask(__name__)


@app.post("/twilio/sms")
def sms() -> Response:
    return Response('<?xml version="1.0" encoding="UTF-8"?><Response />', mimetype="text/xml")
