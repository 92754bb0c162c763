"""One inbound text being answered: who sent it, to which group, and where the answers go."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from hotline.messages.replies import Replies
from hotline.models import Contact, Group, HelpRequest, InboundMessage, Priority
from hotline.needs import LANGUAGE_NAMES
from hotline.runtime.services import Hotline, Work
from hotline.triage import TriageResult

# Added to a text's outcome when its menu reply was held back; outcomes fit the column with it.
MENU_LIMITED = ":menu_limited"


@dataclass
class Conversation:
    hotline: Hotline
    work: Work
    group: Group
    contact: Contact
    message: InboundMessage
    replies: Replies

    @property
    def session(self) -> Session:
        return self.work.session

    def reply(
        self,
        template: str,
        /,
        *,
        priority: int = Priority.REPLY,
        request: HelpRequest | None = None,
        **values: str,
    ) -> None:
        self.replies.reply(
            self.hotline,
            self.work,
            self.group,
            self.contact,
            self.message.id,
            template,
            priority=priority,
            request=request,
            **values,
        )

    def call_for_help(self, template: str, request: HelpRequest) -> None:
        """An emergency's reply, first in the queue: call the local emergency number."""
        self.reply(
            template,
            request=request,
            priority=Priority.EMERGENCY,
            code=request.code,
            emergency=self.group.emergency_number,
        )

    def outcome(self, text: str) -> None:
        self.message.outcome = text

    def triaged(self, text: str) -> TriageResult:
        """What triage reads in a text from this contact, with the group's zones and lexicons."""
        triager = self.hotline.triager_for(self.group.zones, self.group.default_language)
        return triager.triage(text, language_hint=self.contact.language)

    def limited_reply(self, template: str, /, **values: str) -> None:
        """At most one menu a minute and a few in a row to a number; a working command resets."""
        in_a_row = self.group.config.menu_limit_in_a_row
        now = self.hotline.clock.now()
        if not self.hotline.menu_limit.allow(
            self.group.id, self.contact.phone_number, now, in_a_row
        ):
            self.outcome((self.message.outcome or "") + MENU_LIMITED)
            return
        self.reply(template, priority=Priority.REPLY, request=None, **values)

    def reset_menu_limit(self) -> None:
        self.hotline.menu_limit.reset(self.group.id, self.contact.phone_number)

    def set_language(self, language: str) -> None:
        """LANG es: anyone may choose the language they are texted in."""
        language = language.lower()[:8]
        if language not in self.hotline.templates.languages():
            self.outcome("language_unknown")
            self.reply(
                "language_set",
                language=LANGUAGE_NAMES.get(
                    self.contact.language or self.group.default_language, "English"
                ),
            )
            return
        self.contact.language = language
        self.outcome("language_set")
        self.reply("language_set", language=LANGUAGE_NAMES.get(language, language))
