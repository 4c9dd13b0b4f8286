"""A lock with thousands of declared codes (future stays) moves to longer PINs when the shortest
run out, instead of refusing new codes (issue 14).

Declaring 10,000 codes one by one through the service layer takes minutes (each create reads
every code of the lock to know the taken PINs), so most of them are written straight to the
store as the rows a create writes, with 4-digit PINs drawn at random; the last ones, the ones
that used to be refused, go through the service layer as the API would send them.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from drivers.base import CodeRules
from drivers.codes import code_violations
from gateway.domain.codegen import is_weak
from gateway.domain.models import AccessCode
from gateway.service.declaring import creation_mutation, initial_status
from gateway.store import access_codes
from gateway.wire.requests import CreateMultipleAccessCodes
from tests.support.harness import START, Harness

DAY = timedelta(days=1)
DECLARED = 10_000
FOUR_DIGITS_LEFT = 20


def acceptable_four_digit_pins(rules: CodeRules) -> list[str]:
    pins = (f"{n:04d}" for n in range(10_000))
    return [p for p in pins if not is_weak(p) and not code_violations(p, rules)]


def declare_stays(hub: Harness, device_id: str, pins: list[str], first_day: int = 1) -> None:
    """One-night future stays with these PINs, stored as `create` stores them."""
    now = hub.clock.now()
    with hub.store.transaction() as conn:
        for night, pin in enumerate(pins, start=first_day):
            starts_at = START + night * DAY
            access_codes.insert(
                conn,
                AccessCode(
                    access_code_id=str(uuid.uuid4()),
                    device_id=device_id,
                    name=f"Stay {night}",
                    code=pin,
                    created_at=now,
                    status=initial_status(starts_at, now),
                    starts_at=starts_at,
                    ends_at=starts_at + DAY,
                    pending_mutations=[creation_mutation(starts_at, now)],
                ),
            )


async def test_ten_thousand_codes_on_one_lock_get_five_digits_once_four_digits_run_out(
    hub: Harness,
) -> None:
    device_id, lock = hub.add_lock("zwave-250")
    rules = hub.device(device_id).capabilities.code_rules
    four_digit = acceptable_four_digit_pins(rules)
    random.Random(14).shuffle(four_digit)
    prefilled = four_digit[FOUR_DIGITS_LEFT:]
    declare_stays(hub, device_id, prefilled)

    first_night = len(prefilled) + 1
    created = [
        hub.create(
            device_id,
            name=f"Stay {night}",
            starts_at=START + night * DAY,
            ends_at=START + (night + 1) * DAY,
        )
        for night in range(first_night, DECLARED)
    ]
    # the owner's own code, ongoing, declared last: it reaches the lock
    own = hub.create(device_id, name="Owner")
    created.append(own)

    pins = [c.code for c in created]
    assert len(prefilled) + len(created) == DECLARED
    assert [len(p or "") for p in pins] == [4] * FOUR_DIGITS_LEFT + [5] * (
        len(created) - FOUR_DIGITS_LEFT
    )
    assert sorted(p for p in pins if p is not None and len(p) == 4) == sorted(
        four_digit[:FOUR_DIGITS_LEFT]
    )
    every_pin = [*prefilled, *pins]
    assert len(set(every_pin)) == DECLARED
    for pin in pins:
        assert pin is not None and not is_weak(pin) and code_violations(pin, rules) == []

    await hub.settle(device_id)
    assert list(lock.codes().values()) == [own.code]


async def test_a_code_shared_by_two_locks_gets_five_digits_when_together_they_use_up_four(
    hub: Harness,
) -> None:
    front, _ = hub.add_lock("zwave-250", ref="front")
    back, _ = hub.add_lock("zwave-250", ref="back")
    four_digit = acceptable_four_digit_pins(hub.device(front).capabilities.code_rules)
    half = len(four_digit) // 2
    declare_stays(hub, front, four_digit[:half])
    declare_stays(hub, back, four_digit[half:])

    created = hub.services.access_codes.create_multiple(
        CreateMultipleAccessCodes(device_ids=[front, back], name="Family")
    )

    pins = {c.code for c in created}
    assert len(created) == 2 and len(pins) == 1
    (pin,) = pins
    assert pin is not None and len(pin) == 5
    assert len({c.common_code_key for c in created}) == 1
