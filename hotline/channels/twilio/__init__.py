"""The Twilio adapter, both directions: the REST client and sending (`rest`, `sending`),
webhook signatures and their contents in our words (`webhooks`), TwiML answers (`twiml`).

Twilio's status words and error codes (`statuses`) go no further than this package.
"""

from hotline.channels.twilio.rest import twilio_client
from hotline.channels.twilio.sending import TwilioChannel

__all__ = ["TwilioChannel", "twilio_client"]
