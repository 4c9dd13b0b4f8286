"""Including a lock into the Z-Wave network (S2 Access Control, S0 only when the lock cannot do
S2), and excluding one, through the zwave-js server's inclusion API.

zwave-js leads the dialogue: after the lock's protocol inclusion it asks which security classes
to grant ("grant security classes") and, for S2 Access Control or Authenticated, for the first
five digits of the lock's DSK ("validate dsk and enter pin"); "node added" then says how the
lock joined. A lock is included with zwave-js's default strategy and forced security: S2 when the
lock offers it, S0 when it offers only that (locks need one of the two to manage codes).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from zwave_js_server.client import Client
from zwave_js_server.const import InclusionStrategy, SecurityBootstrapFailure, SecurityClass
from zwave_js_server.exceptions import BaseZwaveJSServerError
from zwave_js_server.model.controller import Controller
from zwave_js_server.model.controller.inclusion_and_provisioning import InclusionGrant
from zwave_js_server.model.node import Node

from drivers.zwave.controller import ControllerError, security_name

S2_CLASSES = (
    SecurityClass.S2_ACCESS_CONTROL,
    SecurityClass.S2_AUTHENTICATED,
    SecurityClass.S2_UNAUTHENTICATED,
)
FAILURES = {
    SecurityBootstrapFailure.USER_CANCELED: "cancelled",
    SecurityBootstrapFailure.NO_KEYS_CONFIGURED: "the zwave-js server has no security keys",
    SecurityBootstrapFailure.S2_NO_USER_CALLBACKS: "nobody was asked for the DSK PIN",
    SecurityBootstrapFailure.TIMEOUT: "the lock stopped answering during the key exchange",
    SecurityBootstrapFailure.PARAMETER_MISMATCH: "the lock disagreed on the key exchange",
    SecurityBootstrapFailure.NODE_CANCELED: "the lock cancelled the key exchange",
    SecurityBootstrapFailure.S2_INCORRECT_PIN: "the DSK PIN was wrong",
    SecurityBootstrapFailure.S2_WRONG_SECURITY_LEVEL: "the lock used another security class",
    SecurityBootstrapFailure.UNKNOWN: "unknown reason",
}

# zwave-js gives the key exchange 240 s (the user's PIN included); a little more here.
SECURITY_SET_UP_SECONDS = 260.0

AskPin = Callable[[str], Awaitable[str]]  # the DSK zwave-js shows (without its first 5 digits)
Say = Callable[[str], None]


@dataclass(frozen=True)
class Granted:
    grant: InclusionGrant
    warning: str | None


def grant_for(requested: InclusionGrant) -> Granted:
    """What a lock gets: S2 Access Control when it asks for it (and only that: the key the lock
    classes are made for), else the S2 classes it asks for, with a warning."""
    asked = set(requested.security_classes)
    if SecurityClass.S2_ACCESS_CONTROL in asked:
        classes = [SecurityClass.S2_ACCESS_CONTROL]
        warning = None
    else:
        classes = [c for c in (*S2_CLASSES, SecurityClass.S0_LEGACY) if c in asked]
        names = ", ".join(security_name(c) for c in classes) or "no class"
        warning = f"the lock does not ask for S2 Access Control, only for {names}"
    return Granted(InclusionGrant(classes, requested.client_side_auth), warning)


@dataclass(frozen=True)
class Included:
    node_id: int
    security: SecurityClass | None
    name: str | None
    problem: str | None  # the lock joined, but cannot be used securely: why
    warning: str | None  # the lock is usable, with less security than it should have


def judge(node_id: int, security: SecurityClass | None, result: dict[str, Any]) -> Included:
    """How a lock joined, from zwave-js's "node added" result: S2 Access Control is right, S0 or
    a lower S2 class works with a warning, anything else is a problem to act on."""
    low = bool(result.get("lowSecurity"))
    reason = result.get("lowSecurityReason")
    if security == SecurityClass.S2_ACCESS_CONTROL and not low:
        return Included(node_id, security, None, None, None)
    if low:
        why = next((text for f, text in FAILURES.items() if f == reason), f"reason {reason}")
        problem = (
            f"its security set-up failed ({why}); it joined as {security_name(security)}: "
            f"exclude it (`lockgw zwave exclude`) and include it again"
        )
        return Included(node_id, security, None, problem, None)
    if security in (SecurityClass.S2_AUTHENTICATED, SecurityClass.S2_UNAUTHENTICATED):
        warning = f"it joined with {security_name(security)}, not S2 Access Control"
        return Included(node_id, security, None, None, warning)
    if security == SecurityClass.S0_LEGACY:
        warning = (
            "the lock cannot do S2, so it joined with S0 (slower, and a weaker protocol): "
            "prefer a lock with S2 Access Control"
        )
        return Included(node_id, security, None, None, warning)
    problem = (
        "the lock offers neither S2 nor S0, so it joined without security: no code can be "
        "managed on it securely; exclude it (`lockgw zwave exclude`)"
    )
    return Included(node_id, security, None, problem, None)


async def include(client: Client, ask_pin: AskPin, say: Say, seconds: float) -> Included:
    """Run one inclusion; the lock must do its own inclusion step within `seconds`."""
    assert client.driver is not None
    controller = client.driver.controller
    session = _Inclusion(controller, ask_pin, say)
    try:
        started = await controller.async_begin_inclusion(
            InclusionStrategy.DEFAULT, force_security=True
        )
    except BaseZwaveJSServerError as exc:
        session.close()
        raise ControllerError(f"the controller would not start inclusion: {exc}") from None
    if not started:
        session.close()
        raise ControllerError(
            "the controller would not start inclusion (another inclusion or exclusion is "
            "running: wait a minute, or stop it in the other tool)"
        )
    return await session.outcome(seconds)


class _Inclusion:
    """The events of one inclusion, answered as they come."""

    def __init__(self, controller: Controller, ask_pin: AskPin, say: Say) -> None:
        self.controller = controller
        self.ask_pin = ask_pin
        self.say = say
        self.done: asyncio.Future[Included] = asyncio.get_running_loop().create_future()
        self.joined = False
        self.tasks: set[asyncio.Task[None]] = set()
        self.off = [
            controller.on("node found", lambda _: self._found()),
            controller.on("grant security classes", self._grant),
            controller.on("validate dsk and enter pin", self._dsk),
            controller.on("node added", self._added),
            controller.on("inclusion failed", lambda _: self._fail("the inclusion failed")),
            controller.on("inclusion aborted", lambda _: self._fail("the inclusion was aborted")),
        ]

    def close(self) -> None:
        for off in self.off:
            off()
        for task in self.tasks:
            task.cancel()

    async def outcome(self, seconds: float) -> Included:
        try:
            try:
                return await asyncio.wait_for(asyncio.shield(self.done), seconds)
            except TimeoutError:
                if self.joined:  # the deadline is for the lock to show up: it did, so the key
                    # exchange runs to its end (zwave-js times it out by itself)
                    return await asyncio.wait_for(self.done, SECURITY_SET_UP_SECONDS)
            with contextlib.suppress(BaseZwaveJSServerError):
                await self.controller.async_stop_inclusion()
            raise ControllerError(
                f"no lock joined in {seconds:.0f} s (was the lock's own inclusion step done "
                "within that time? A lock paired before must be excluded first)"
            )
        except TimeoutError:
            raise ControllerError(
                "the lock joined, but its security set-up never ended: exclude it "
                "(`lockgw zwave exclude`) and include it again"
            ) from None
        finally:
            self.close()

    def _later(self, work: Awaitable[None]) -> None:
        async def run() -> None:
            try:
                await work
            except (BaseZwaveJSServerError, EOFError, KeyboardInterrupt) as exc:
                self._fail(f"the inclusion stopped: {exc or type(exc).__name__}")

        task = asyncio.create_task(run())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _found(self) -> None:
        self.joined = True
        self.say("a device answered; setting up its security...")

    def _grant(self, event: dict[str, Any]) -> None:
        self.joined = True
        granted = grant_for(event["requested_grant"])
        if granted.warning:
            self.say(f"WARNING: {granted.warning}")
        names = ", ".join(security_name(c) for c in granted.grant.security_classes)
        self.say(f"granting {names}")
        self._later(self.controller.async_grant_security_classes(granted.grant))

    def _dsk(self, event: dict[str, Any]) -> None:
        async def answer() -> None:
            pin = await self.ask_pin(str(event.get("dsk", "")))
            await self.controller.async_validate_dsk_and_enter_pin(pin)

        self._later(answer())

    def _added(self, event: dict[str, Any]) -> None:
        node = event.get("node")
        if not isinstance(node, Node) or self.done.done():
            return
        included = judge(node.node_id, node.highest_security_class, event.get("result") or {})
        self.done.set_result(
            Included(
                included.node_id, included.security, node.name, included.problem, included.warning
            )
        )

    def _fail(self, why: str) -> None:
        if not self.done.done():
            self.done.set_exception(ControllerError(why))


@dataclass(frozen=True)
class Excluded:
    node_id: int
    reason: str


async def exclude(client: Client, say: Say, seconds: float) -> Excluded:
    """Put the controller in exclusion mode until a device leaves or `seconds` pass. Any
    controller excludes any device, even one paired with another hub."""
    assert client.driver is not None
    controller = client.driver.controller
    left: asyncio.Future[Excluded] = asyncio.get_running_loop().create_future()

    def removed(event: dict[str, Any]) -> None:
        node = event.get("node")
        if isinstance(node, Node) and not left.done():
            left.set_result(Excluded(node.node_id, event["reason"].name.lower()))

    def failed(_: dict[str, Any]) -> None:
        if not left.done():
            left.set_exception(ControllerError("the exclusion failed"))

    off = [controller.on("node removed", removed), controller.on("exclusion failed", failed)]
    try:
        try:
            started = await controller.async_begin_exclusion()
        except BaseZwaveJSServerError as exc:
            raise ControllerError(f"the controller would not start exclusion: {exc}") from None
        if not started:
            raise ControllerError(
                "the controller would not start exclusion (an inclusion or exclusion is running)"
            )
        say(f"exclusion mode for {seconds:.0f} s: do the lock's exclusion step now")
        try:
            return await asyncio.wait_for(left, seconds)
        except TimeoutError:
            with contextlib.suppress(BaseZwaveJSServerError):
                await controller.async_stop_exclusion()
            raise ControllerError(
                f"no device left the network in {seconds:.0f} s (do the lock's exclusion step "
                "while this waits: its manual, often the same as its inclusion step)"
            ) from None
    finally:
        for unsubscribe in off:
            unsubscribe()
