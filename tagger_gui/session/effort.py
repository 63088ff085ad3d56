"""What annotating costs, as the user really does it: seconds, key presses and corrected suggestions.

Per sentence the log keeps the seconds spent on it (time the editor showed it, each
stint capped so a coffee break does not count), the key presses made in the tag
editor, and how many of its tokens were set to something other than the model's
suggestion. Each retrain adds a point to the progress curve: dev accuracy against
tagged tokens and annotation hours. The log is saved with the project as a versioned
JSON object and exported as TSV.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

EFFORT_VERSION = 1
MAX_STINT_S = 120.0
"""A longer look at one sentence counts as this long (the user was away)."""


RATE_AFTER_MINUTES = 1.0
"""The summary gives tokens/hour and keys/token once this much annotation time is recorded."""


@dataclass
class SentenceEffort:
    seconds: float = 0.0
    keys: int = 0
    changed: int = 0  # tokens given another tag than the model suggested
    tagged: int = 0  # tokens tagged while the sentence was shown


@dataclass(frozen=True)
class CurvePoint:
    """One retrain: how much was tagged, after how much work, and how good the model was."""

    tagged_tokens: int
    hours: float
    dev_accuracy: float


@dataclass
class EffortLog:
    sentences: dict[str, SentenceEffort] = field(default_factory=dict)
    curve: list[CurvePoint] = field(default_factory=list)

    def add_time(self, sentence_id: str, seconds: float) -> None:
        self._of(sentence_id).seconds += min(max(seconds, 0.0), MAX_STINT_S)

    def add_key(self, sentence_id: str) -> None:
        self._of(sentence_id).keys += 1

    def note_tagging(self, sentence_id: str, tag: str | None, suggested: str | None) -> None:
        """A token of the sentence got ``tag``; ``suggested`` is the model's tag for it (``None``: none)."""
        if tag is None:
            return
        record = self._of(sentence_id)
        record.tagged += 1
        if suggested is not None and tag != suggested:
            record.changed += 1

    def add_point(self, tagged_tokens: int, dev_accuracy: float | None) -> None:
        if dev_accuracy is not None:
            self.curve.append(CurvePoint(tagged_tokens, self.hours, dev_accuracy))

    @property
    def hours(self) -> float:
        return sum(r.seconds for r in self.sentences.values()) / 3600.0

    @property
    def keys(self) -> int:
        return sum(r.keys for r in self.sentences.values())

    @property
    def tagged(self) -> int:
        return sum(r.tagged for r in self.sentences.values())

    @property
    def tokens_per_hour(self) -> float | None:
        hours = self.hours
        return self.tagged / hours if hours > 0 else None

    def summary(self) -> str:
        """One line for the status bar; the rates only after ``RATE_AFTER_MINUTES`` of work (from one token,
        a rate says nothing)."""
        done = f"{self.tagged:,} token{'' if self.tagged == 1 else 's'} tagged in {self.hours * 60:.1f} min"
        if not self.tagged:
            return done
        if self.hours * 60 < RATE_AFTER_MINUTES:
            return f"{done} (the speed shows after {RATE_AFTER_MINUTES:g} minute of work)"
        return f"{done}: {self.tokens_per_hour:,.0f} tokens/hour, {self.keys / self.tagged:.2f} keys/token"

    def to_dict(self) -> dict:
        return {"version": EFFORT_VERSION, "sentences": {k: asdict(v) for k, v in self.sentences.items()},
                "curve": [asdict(p) for p in self.curve]}

    @classmethod
    def from_dict(cls, data: object) -> "EffortLog":
        """Inverse of ``to_dict``; ``ValueError`` for anything else."""
        if not isinstance(data, dict) or data.get("version") != EFFORT_VERSION:
            raise ValueError("annotation effort log of an unknown version")
        try:
            sentences = {str(k): SentenceEffort(**v) for k, v in data.get("sentences", {}).items()}
            curve = [CurvePoint(**p) for p in data.get("curve", [])]
        except (TypeError, AttributeError) as error:
            raise ValueError(f"damaged annotation effort log: {error}") from None
        return cls(sentences, curve)

    def to_tsv(self) -> str:
        """Per sentence: id, seconds, keys, tagged tokens, tokens changed from the suggestion."""
        lines = ["sentence\tseconds\tkeys\ttagged\tchanged"]
        lines += [f"{sid}\t{r.seconds:.1f}\t{r.keys}\t{r.tagged}\t{r.changed}" for sid, r in self.sentences.items()]
        return "\n".join(lines) + "\n"

    def _of(self, sentence_id: str) -> SentenceEffort:
        return self.sentences.setdefault(sentence_id, SentenceEffort())
