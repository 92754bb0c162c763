"""The project's own Twilio-compatible server ("the sim") and its phone simulator page."""

from hotline.simulators.twilio_sim.carrier import InboundResult
from hotline.simulators.twilio_sim.server import SimServer
from hotline.simulators.twilio_sim.state import PhonePreset, SimMessage

__all__ = ["InboundResult", "PhonePreset", "SimMessage", "SimServer"]
