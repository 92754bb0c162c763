"""Disaster-text triage: categories, urgency, kind, language, location and head count."""

from hotline.triage.engine import Triager
from hotline.triage.model import CATEGORIES, KINDS, URGENCIES, TriageResult, Zone

__all__ = ["CATEGORIES", "KINDS", "URGENCIES", "TriageResult", "Triager", "Zone"]
