"""The fleet's webhooks as a front keeps them (gateway.fleet.webhooks, gateway.fleet.
webhook_intents): the retained document read and changed in Seam's shapes, and fronts changing it
at the same time through one broker losing none of their changes."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from gateway.fleet.webhook_intents import Create, Delete, Ledger, State, Update
from gateway.fleet.webhooks import FrontWebhooks, view
from gateway.wire import fleet_webhooks as doc
from gateway.wire.errors import ApiError
from gateway.wire.fleet_webhooks import FleetDocument, FleetWebhook
from gateway.wire.webhooks import CreateWebhook, UpdateWebhook, WebhookRef

THEIRS = FleetWebhook("w-1", "https://other.example/hook", "whsec_b3RoZXI=", None)


class Broker:
    """Holds the retained document as the broker would, handing it back to the front."""

    def __init__(self) -> None:
        self.retained = b""
        self.front = FrontWebhooks(self.publish, no_document_after=0.05, ledger=Ledger(settle=0.01))

    async def publish(self, payload: bytes) -> None:
        self.retained = payload
        self.front.on_document(payload)


async def test_a_webhook_made_gets_a_whsec_secret_and_joins_the_fleets_document() -> None:
    broker = Broker()
    broker.front.on_document(doc.document([THEIRS]))
    made = await broker.front.create(CreateWebhook(url="https://app.example/hook"))
    assert made.secret.startswith("whsec_")
    assert [h.url for h in doc.parse(broker.retained)] == [THEIRS.url, made.url]
    assert view(made, with_secret=False) == {
        "webhook_id": made.webhook_id,
        "url": "https://app.example/hook",
        "event_types": ["*"],
    }


async def test_registering_a_url_again_keeps_its_id_and_secret_and_sets_its_types() -> None:
    broker = Broker()
    broker.front.on_document(b"")
    first = await broker.front.create(CreateWebhook(url="https://app.example/hook"))
    again = await broker.front.create(
        CreateWebhook(url="https://app.example/hook", event_types=["access_code.created"])
    )
    assert (again.webhook_id, again.secret) == (first.webhook_id, first.secret)
    assert again.event_types == ("access_code.created",)
    assert len(doc.parse(broker.retained)) == 1


async def test_an_unknown_event_type_is_refused_naming_event_types() -> None:
    broker = Broker()
    broker.front.on_document(b"")
    with pytest.raises(ApiError) as caught:
        await broker.front.create(
            CreateWebhook(url="https://app.example/hook", event_types=["access_code.made"])
        )
    assert "event_types" in (caught.value.validation_errors or {})
    assert broker.retained == b""


async def test_a_change_made_before_the_document_arrived_keeps_the_other_webhooks() -> None:
    broker = Broker()
    broker.front.on_connected()
    creating = asyncio.ensure_future(
        broker.front.create(CreateWebhook(url="https://app.example/hook"))
    )
    await asyncio.sleep(0)
    broker.front.on_document(doc.document([THEIRS]))  # the retained document, just after
    made = await creating
    kept = [h.webhook_id for h in doc.parse(broker.retained)]
    assert kept == [THEIRS.webhook_id, made.webhook_id]


async def test_update_and_delete_of_an_unknown_webhook_is_webhook_not_found() -> None:
    broker = Broker()
    broker.front.on_document(doc.document([THEIRS]))
    await broker.front.update(UpdateWebhook(webhook_id="w-1", event_types=["lock.locked"]))
    assert doc.parse(broker.retained)[0].event_types == ("lock.locked",)
    with pytest.raises(ApiError) as caught:
        await broker.front.delete(WebhookRef(webhook_id="w-9"))
    assert (caught.value.status, caught.value.error_type) == (404, "webhook_not_found")
    await broker.front.delete(WebhookRef(webhook_id="w-1"))
    assert doc.parse(broker.retained) == []


def test_a_document_with_a_revision_still_reads_as_its_webhooks_for_a_hub() -> None:
    payload = doc.document([THEIRS], revision="r2", based_on="r1")
    assert doc.parse(payload) == [THEIRS]
    assert doc.parse_document(payload) == FleetDocument((THEIRS,), "r2", "r1")
    assert doc.parse_document(doc.document([THEIRS])) == FleetDocument((THEIRS,))


# -- fronts changing the document at once (the broker hands every front every document in order)


class Wire:
    """The broker's order of the documents published on the topic; each front reads its next
    ones when a test says so, as a front whose messages are still on their way would."""

    def __init__(self, *fronts: Ledger) -> None:
        self.documents: list[FleetDocument] = []
        self.read = dict.fromkeys(map(id, fronts), 0)
        for front in fronts:
            front.nothing_retained(0.0)

    def publish(self, front: Ledger, now: float = 0.0) -> FleetDocument | None:
        sent = front.next_document(now)
        if sent is not None:
            self.documents.append(sent)
        return sent

    def deliver(self, front: Ledger, now: float = 0.0) -> None:
        for document in self.documents[self.read[id(front)] :]:
            front.seen(document, now)
        self.read[id(front)] = len(self.documents)

    def run(self, *fronts: Ledger, now: float = 0.0) -> int:
        """Every front reads and answers until nobody publishes; how many rounds that took."""
        for rounds in range(50):
            for front in fronts:
                self.deliver(front, now)
            if not any([self.publish(front, now) for front in fronts]):
                return rounds
        raise AssertionError("the fronts kept publishing")

    @property
    def retained(self) -> tuple[FleetWebhook, ...]:
        return self.documents[-1].webhooks


def _hook(name: str, types: tuple[str, ...] | None = None) -> FleetWebhook:
    return FleetWebhook(f"id-{name}", f"https://{name}.example/hook", f"whsec_{name}", types)


def _fronts() -> tuple[Ledger, Ledger]:
    counter = itertools.count()
    return (
        Ledger(write_gap=0.0, new_revision=lambda: f"a{next(counter)}"),
        Ledger(write_gap=0.0, new_revision=lambda: f"b{next(counter)}"),
    )


def test_webhooks_created_at_once_on_two_fronts_from_the_same_copy_are_all_kept() -> None:
    a, b = _fronts()
    wire = Wire(a, b)
    mine = [a.add(Create(_hook(f"a{n}")), 0.0) for n in range(3)]
    theirs = [b.add(Create(_hook(f"b{n}")), 0.0) for n in range(3)]
    wire.publish(a)
    wire.publish(b)  # written from the same (empty) copy: the later one wins at the broker
    assert {h.url for h in wire.retained} == {f"https://b{n}.example/hook" for n in range(3)}
    wire.run(a, b)
    assert {h.webhook_id for h in wire.retained} == {f"id-{x}{n}" for x in "ab" for n in range(3)}
    answered = a.due(1.0) + b.due(1.0)
    assert set(answered) == {*mine, *theirs}
    assert all(e.state is State.ANSWERED and e.result is not None for e in answered)


def test_a_call_is_answered_only_once_the_document_held_it_for_the_settle_time() -> None:
    a, b = _fronts()
    wire = Wire(a, b)
    made = a.add(Create(_hook("a")), 0.0)
    wire.publish(a, now=0.0)
    assert a.due(1.0) == []  # its own document has not come back yet
    wire.deliver(a, now=1.0)
    assert a.due(1.1) == []
    b.add(Create(_hook("b")), 1.0)
    wire.publish(b, now=1.0)  # b had not seen it: a stale copy without a's webhook
    wire.deliver(a, now=1.2)
    assert a.due(1.6) == []  # the latest document does not hold it: written again first
    wire.run(a, b, now=1.6)
    assert a.due(1.7) == []
    assert a.due(2.0) == [made]
    assert made.result == _hook("a")


def test_a_webhook_deleted_on_one_front_is_not_brought_back_by_a_stale_copy_from_another() -> None:
    a, b = _fronts()
    wire = Wire(a, b)
    a.seen(FleetDocument((_hook("old"),), "r0"), 0.0)
    b.seen(FleetDocument((_hook("old"),), "r0"), 0.0)
    a.add(Delete("id-old"), 0.0)
    b.add(Create(_hook("b")), 0.0)
    wire.publish(a)
    wire.publish(b)  # based on r0: still names the deleted webhook
    assert "id-old" in {h.webhook_id for h in wire.retained}
    wire.run(a, b)
    assert {h.webhook_id for h in wire.retained} == {"id-b"}
    # long after both calls were answered (the guard over), the fronts still agree
    assert len(a.due(1.0) + b.due(1.0)) == 2
    a.due(20.0)
    b.due(20.0)
    assert a.tracked == b.tracked == []
    assert a.view() == b.view() == (_hook("b"),)


def test_a_webhook_deleted_after_it_was_made_stays_deleted_although_its_maker_still_guards_it() -> (
    None
):
    a, b = _fronts()
    wire = Wire(a, b)
    a.add(Create(_hook("a")), 0.0)
    wire.run(a, b)
    assert [e.state for e in a.due(1.0)] == [State.ANSWERED]  # guarded for a while yet
    b.add(Delete("id-a"), 1.0)
    wire.run(a, b, now=1.0)
    assert wire.retained == ()
    assert a.tracked == []  # superseded by a change made over it: never written again
    assert a.view() == ()


def test_two_fronts_setting_one_webhooks_event_types_at_once_settle_on_one_of_them() -> None:
    a, b = _fronts()
    wire = Wire(a, b)
    a.seen(FleetDocument((_hook("x"),), "r0"), 0.0)
    b.seen(FleetDocument((_hook("x"),), "r0"), 0.0)
    mine = a.add(Update("id-x", ("lock.locked",)), 0.0)
    theirs = b.add(Update("id-x", ("lock.unlocked",)), 0.0)
    wire.publish(a)
    wire.publish(b)
    rounds = wire.run(a, b)
    assert rounds < 4  # no front takes turns with the other forever
    assert wire.retained[0].event_types in {("lock.locked",), ("lock.unlocked",)}
    assert a.view() == b.view() == wire.retained
    assert set(a.due(1.0) + b.due(1.0)) == {mine, theirs}


def test_the_same_url_created_at_once_on_two_fronts_is_one_webhook_with_one_secret() -> None:
    a, b = _fronts()
    wire = Wire(a, b)
    mine = a.add(Create(_hook("same")), 0.0)
    other = FleetWebhook("id-other", "https://same.example/hook", "whsec_other", None)
    theirs = b.add(Create(other), 0.0)
    wire.publish(a)
    wire.publish(b)
    wire.run(a, b)
    assert len(wire.retained) == 1
    a.due(1.0)
    b.due(1.0)
    assert mine.result == theirs.result == wire.retained[0]


def test_a_change_that_does_not_settle_in_time_is_dropped_and_not_written_again() -> None:
    a, b = _fronts()
    wire = Wire(a, b)
    late = a.add(Create(_hook("a")), 0.0)
    wire.publish(a, now=0.0)  # its echo never comes (the connection went)
    assert a.due(1.0) == []
    wake = a.wake_at()
    assert wake is not None and wake > 1.0  # the front waits for the echo, not spinning
    assert a.due(4.9) == []
    assert a.due(5.0) == [late]
    assert late.state is State.DROPPED
    a.seen(FleetDocument((), "elsewhere"), 5.2)  # another front's, without it
    assert wire.publish(a, now=5.3) is None


def test_a_front_written_over_writes_its_change_again_after_a_short_gap_not_at_once() -> None:
    a = Ledger(write_gap=0.05)
    a.nothing_retained(0.0)
    a.add(Create(_hook("a")), 0.0)
    sent = a.next_document(0.0)
    assert sent is not None
    a.seen(sent, 0.01)
    a.seen(FleetDocument((), "elsewhere", "older"), 0.02)  # another front's, without it
    assert a.next_document(0.03) is None
    assert a.wake_at() == pytest.approx(0.05)  # it sleeps until then, not spinning
    again = a.next_document(0.05)
    assert again is not None and again.webhooks == (_hook("a"),)


async def test_two_fronts_on_one_broker_creating_at_once_answer_every_webhook_kept() -> None:
    """Through the asyncio shell: each front reads the broker's documents in order, later."""
    fronts: list[FrontWebhooks] = []
    inboxes: list[asyncio.Queue[bytes]] = [asyncio.Queue(), asyncio.Queue()]
    retained: list[bytes] = [b""]

    async def publish(payload: bytes) -> None:
        retained[0] = payload
        for inbox in inboxes:
            inbox.put_nowait(payload)

    async def reader(front: FrontWebhooks, inbox: asyncio.Queue[bytes]) -> None:
        while True:
            payload = await inbox.get()
            await asyncio.sleep(0.002)  # the network's latency: a front writes from a stale copy
            front.on_document(payload)

    for _ in range(2):
        fronts.append(FrontWebhooks(publish, no_document_after=0.01, ledger=Ledger(settle=0.05)))
    readers = [asyncio.create_task(reader(f, q)) for f, q in zip(fronts, inboxes, strict=True)]
    try:
        for front in fronts:
            front.on_connected()
        urls = [f"https://app.example/front-{side}/{n}" for side in "ab" for n in range(12)]
        made = await asyncio.gather(
            *(fronts[0 if "/front-a/" in url else 1].create(CreateWebhook(url=url)) for url in urls)
        )
        assert sorted(h.url for h in made) == sorted(urls)
        assert sorted(h.url for h in doc.parse(retained[0])) == sorted(urls)
        assert fronts[0].hooks == fronts[1].hooks
    finally:
        for task in readers:
            task.cancel()


async def test_a_change_that_never_settles_answers_503_fleet_busy_and_is_not_written_again() -> (
    None
):
    published: list[bytes] = []

    async def publish(payload: bytes) -> None:  # another front (an old one) always writes last
        published.append(payload)
        front.on_document(payload)
        front.on_document(doc.document([THEIRS], revision=f"other-{len(published)}"))

    front = FrontWebhooks(publish, ledger=Ledger(settle=0.01, deadline=0.2, guard=0.05))
    front.on_document(b"")
    with pytest.raises(ApiError) as caught:
        await front.create(CreateWebhook(url="https://app.example/hook"))
    assert (caught.value.status, caught.value.error_type) == (503, "fleet_busy")
    tried = len(published)
    assert 1 <= tried <= 5  # written again after each overwrite, but at most every 50 ms
    front.on_document(doc.document([THEIRS], revision="later"))
    assert front.hooks == [THEIRS]
    assert len(published) == tried
