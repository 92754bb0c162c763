"""Guess a text's language by counting each lexicon's stop words among its words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hotline.triage.lexicon import Lexicon
from hotline.triage.text import phrase_keys

# A hint (the sender's known language) is worth this many stop words of evidence.
HINT_WEIGHT = 1.5


class LanguageGuesser:
    def __init__(self, lexicons: Mapping[str, Lexicon], default: str) -> None:
        self.languages = tuple(sorted(lexicons))
        self.default = default
        self._votes: dict[str, tuple[str, ...]] = {}
        for code in self.languages:
            lexicon = lexicons[code]
            # Content phrases vote too, at half weight (below), so "dlo manje" is still Creole.
            for word in lexicon.stopwords:
                for key in phrase_keys(word):
                    self._votes[key] = (*self._votes.get(key, ()), code)
        self._content: dict[str, set[str]] = {}
        for code in self.languages:
            for (section, _label), phrases in lexicons[code].phrases.items():
                if section not in ("categories", "emergency", "dying", "urgent", "kind"):
                    continue
                for phrase in phrases:
                    for key in phrase_keys(phrase.replace("*", "").replace("...", " ")):
                        self._content.setdefault(key, set()).add(code)

    def guess(self, keys: Sequence[str], hint: str | None = None) -> str:
        scores = dict.fromkeys(self.languages, 0.0)
        for key in keys:
            voters = self._votes.get(key)
            if voters:
                for code in voters:
                    scores[code] += 1.0 / len(voters)
                continue
            content = self._content.get(key)
            if content and len(content) < len(self.languages):
                for code in content:
                    scores[code] += 0.5 / len(content)
        if hint in scores:
            scores[hint] += HINT_WEIGHT
        best = max(scores.values(), default=0.0)
        if best <= 0:
            return hint if hint in scores else self.default
        leaders = [code for code, score in scores.items() if score == best]
        if self.default in leaders:
            return self.default
        return leaders[0]
