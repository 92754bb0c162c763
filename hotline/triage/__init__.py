"""Disaster-text triage: categories, urgency, kind, language, location and head count."""

from hotline.triage.engine import Triager
from hotline.triage.model import CATEGORIES, INTENTS, KINDS, URGENCIES, TriageResult, Zone

__all__ = ["CATEGORIES", "INTENTS", "KINDS", "URGENCIES", "TriageResult", "Triager", "Zone"]
