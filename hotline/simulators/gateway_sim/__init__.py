"""A simulator of "SMS Gateway for Android" in local-server mode, for tests and the demo."""

from hotline.simulators.gateway_sim.server import GatewaySim
from hotline.simulators.gateway_sim.state import GatewayMessage, Webhook, WebhookDelivery

__all__ = ["GatewayMessage", "GatewaySim", "Webhook", "WebhookDelivery"]
