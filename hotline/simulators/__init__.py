"""The Twilio-compatible server, the gateway phone simulator and their loopback server."""
