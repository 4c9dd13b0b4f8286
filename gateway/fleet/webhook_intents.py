"""How fronts change the fleet's one webhooks document without losing each other's changes (pure).

The broker is all the fronts share, and MQTT has no compare-and-set: two fronts writing the
retained document at once each write their own copy, and the later one wins. So a front does
not write a change once and forget it; it keeps it as an *intent* (create, update, delete one
webhook) and follows the document as the broker hands it out, in the broker's order:

- whenever the latest document does not hold one of its intents, it publishes that latest
  document with its intents applied, and nothing else of its own (never an older copy);
- one publish at a time: until its own document comes back (the echo), documents arriving are
  older than it, so it waits for the echo instead of answering them;
- a call is answered once the latest document holds its intent and no newer document came for
  `settle` seconds; after `deadline` seconds it fails and its intent is dropped;
- an answered intent is still guarded for `guard` seconds: a front that wrote a stale copy
  without it (it had not seen it yet) is answered by writing it again.

Each document names its `revision` and the revision it was `based_on`. A document that does not
hold an intent although it was based on one that did was written by someone who saw the intent
and changed the same webhook after it (a later update or delete): that is not a stale copy,
the intent is superseded and never written again, so a delete is never undone and two fronts
setting the same webhook differently settle on one of them instead of taking turns forever.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import Enum

from gateway.wire.fleet_webhooks import FleetDocument, FleetWebhook

Hooks = tuple[FleetWebhook, ...]

SETTLE = 0.3
DEADLINE = 5.0
GUARD = 10.0
# A publish whose echo never came back (lost with the connection): the latest document counts.
ECHO_WAIT = 2.0
# Between two of this front's documents at least this long: a peer that keeps writing over every
# document (an older front) meets a few writes a second, not a storm, until the deadline.
WRITE_GAP = 0.05


@dataclass(frozen=True)
class Create:
    """Register `url` with these event types; `fresh` is the webhook made if the URL is new."""

    fresh: FleetWebhook


@dataclass(frozen=True)
class Update:
    webhook_id: str
    event_types: tuple[str, ...] | None


@dataclass(frozen=True)
class Delete:
    webhook_id: str


Intent = Create | Update | Delete


def apply(intent: Intent, hooks: Hooks) -> Hooks:
    """The webhooks with this intent carried out (as the hub's own rules would)."""
    match intent:
        case Create(fresh):
            for index, known in enumerate(hooks):
                if known.url == fresh.url:
                    changed = replace(known, event_types=fresh.event_types)
                    return (*hooks[:index], changed, *hooks[index + 1 :])
            return (*hooks, fresh)
        case Update(webhook_id, event_types):
            return tuple(
                replace(h, event_types=event_types) if h.webhook_id == webhook_id else h
                for h in hooks
            )
        case Delete(webhook_id):
            return tuple(h for h in hooks if h.webhook_id != webhook_id)


def holds(intent: Intent, hooks: Hooks) -> bool:
    """True when these webhooks already say what the intent wants."""
    return apply(intent, hooks) == hooks


def applied(intents: Iterable[Intent], hooks: Hooks) -> Hooks:
    for intent in intents:
        hooks = apply(intent, hooks)
    return hooks


def _outcome(intent: Intent, hooks: Hooks) -> FleetWebhook | None:
    if isinstance(intent, Create):
        return next((h for h in hooks if h.url == intent.fresh.url), None)
    return None


class State(Enum):
    PENDING = "pending"  # a caller waits for it
    ANSWERED = "answered"  # the caller was answered 200 (it is guarded a while longer)
    DROPPED = "dropped"  # its deadline passed before it settled: the caller gets an error


@dataclass(eq=False)
class Tracked:
    intent: Intent
    started: float
    state: State = State.PENDING
    answered_at: float = 0.0
    # the webhook a create answers with: the one its URL has in the document that holds it
    result: FleetWebhook | None = None
    holding: set[str] = field(default_factory=set)  # revisions that hold it


@dataclass
class Ledger:
    """One front's intents against the document as this front last saw it."""

    settle: float = SETTLE
    deadline: float = DEADLINE
    guard: float = GUARD
    echo_wait: float = ECHO_WAIT
    write_gap: float = WRITE_GAP
    new_revision: Callable[[], str] = lambda: uuid.uuid4().hex
    latest: FleetDocument | None = None  # None: not read yet
    latest_at: float = 0.0
    known: bool = False  # connected, and the retained document (or its absence) read
    in_flight: str | None = None
    sent_at: float = float("-inf")  # when this front last sent a document
    tracked: list[Tracked] = field(default_factory=list)  # PENDING and ANSWERED, in order
    finished: list[Tracked] = field(default_factory=list)  # to report by `due`

    def add(self, intent: Intent, now: float) -> Tracked:
        entry = Tracked(intent, now)
        self.tracked.append(entry)
        return entry

    def seen(self, document: FleetDocument, now: float) -> None:
        """The broker handed out this document (another front's, or this one's echo)."""
        if document.revision is not None and document.revision == self.in_flight:
            self.in_flight = None
        self.latest, self.latest_at, self.known = document, now, True
        for entry in list(self.tracked):
            if holds(entry.intent, document.webhooks):
                if document.revision is not None:
                    entry.holding.add(document.revision)
                entry.result = _outcome(entry.intent, document.webhooks) or entry.result
            elif document.based_on is not None and document.based_on in entry.holding:
                self._superseded(entry, now)

    def nothing_retained(self, now: float) -> None:
        """Connected, and no document came: the fleet has none (or keep the last one seen)."""
        if self.latest is None:
            self.latest, self.latest_at = FleetDocument(()), now
        self.known = True

    def disconnected(self) -> None:
        self.known = False
        self.in_flight = None

    def next_document(self, now: float) -> FleetDocument | None:
        """The document to publish now (the latest with every live intent applied), if any."""
        self._echo_overdue(now)
        if self.latest is None or not self._needs_writing():
            return None
        if now - self.sent_at < self.write_gap:
            return None
        base = self.latest.webhooks
        hooks = applied((e.intent for e in self.tracked), base)
        revision = self.new_revision()
        for entry in list(self.tracked):
            if holds(entry.intent, hooks):
                entry.holding.add(revision)
                entry.result = _outcome(entry.intent, hooks) or entry.result
            else:  # one of this front's own later intents changed the same webhook
                self._superseded(entry, now)
        self.in_flight, self.sent_at = revision, now
        return FleetDocument(hooks, revision, self.latest.revision)

    def not_sent(self, revision: str) -> None:
        if self.in_flight == revision:
            self.in_flight = None

    def due(self, now: float) -> list[Tracked]:
        """The intents whose caller is answered now: ANSWERED (settled, or superseded by a later
        change) or DROPPED (its deadline passed first)."""
        finished, self.finished = self.finished, []
        self._echo_overdue(now)
        settled = (
            self.known
            and self.latest is not None
            and self.in_flight is None
            and now - self.latest_at >= self.settle
        )
        for entry in list(self.tracked):
            if entry.state is State.ANSWERED:
                if now - entry.answered_at >= self.guard:
                    self.tracked.remove(entry)
            elif settled and self.latest is not None and holds(entry.intent, self.latest.webhooks):
                entry.state, entry.answered_at = State.ANSWERED, now
                finished.append(entry)
            elif now - entry.started >= self.deadline:
                entry.state = State.DROPPED
                self.tracked.remove(entry)
                finished.append(entry)
        return finished

    def wake_at(self) -> float | None:
        """When `due` or `next_document` may have something new to say (None: nothing left)."""
        if self.finished:
            return self.latest_at
        times: list[float] = []
        writing = self._needs_writing()
        settling = self.known and self.in_flight is None and not writing
        for entry in self.tracked:
            if entry.state is State.PENDING:
                times.append(entry.started + self.deadline)
                if settling:
                    times.append(self.latest_at + self.settle)
            else:
                times.append(entry.answered_at + self.guard)
        if self.in_flight is not None and self.tracked:
            times.append(self.sent_at + self.echo_wait)
        if writing:  # held back by the write gap
            times.append(self.sent_at + self.write_gap)
        return min(times, default=None)

    def _needs_writing(self) -> bool:
        return (
            self.known
            and self.latest is not None
            and self.in_flight is None
            and not all(holds(e.intent, self.latest.webhooks) for e in self.tracked)
        )

    def _echo_overdue(self, now: float) -> None:
        if self.in_flight is not None and now - self.sent_at >= self.echo_wait:
            self.in_flight = None

    def view(self) -> Hooks:
        """The webhooks as this front answers reads: the latest document, with the changes it
        already answered for (so that a stale copy passing by does not hide them)."""
        base = () if self.latest is None else self.latest.webhooks
        return applied((e.intent for e in self.tracked if e.state is State.ANSWERED), base)

    def _superseded(self, entry: Tracked, now: float) -> None:
        """A later change to the same webhook was made over this one: it is never written again
        (a pending call is answered: its change happened, then the later one)."""
        self.tracked.remove(entry)
        if entry.state is State.PENDING:
            entry.state, entry.answered_at = State.ANSWERED, now
            self.finished.append(entry)
