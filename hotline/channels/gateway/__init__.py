"""The local SMS gateway adapter, both directions: an Android phone running "SMS Gateway for
Android" in local-server mode sends (`sending`) and posts signed events (`webhooks`).

It sends over the cellular network when the internet link to Twilio is down. The app's
event names and message states go no further than this package.
"""

from hotline.channels.gateway.sending import GatewayChannel

__all__ = ["GatewayChannel"]
