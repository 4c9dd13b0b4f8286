"""A lock included without S2 Access Control or S0 would receive PINs in the clear: it carries a
device warning, and the hub programs no code on it unless its owner allows that lock
(`[zwave] allow_insecure_nodes`). zwave-js's mock controller includes every simulated node
without security, so the session's hub allows every node but the "insecure" one."""

from __future__ import annotations

from seam import Seam

from tests.support.wait import eventually
from tests.support.zwave_sim import ZWaveSim
from tests.zwave.conftest import NODES, device_for
from tests.zwave.test_zwave_locks import _set

WARNING = "provider_issue"


def _warning(seam: Seam, device_id: str) -> str | None:
    device = seam.devices.get(device_id=device_id)
    return next((w.message for w in device.warnings if w.warning_code == WARNING), None)


def test_an_insecurely_included_lock_warns_and_gets_no_pin_unless_its_owner_allows_it(
    seam: Seam, fresh: ZWaveSim
) -> None:
    refused_node, allowed_node = NODES["insecure"], NODES["uc-small"]
    refused, allowed = device_for(seam, refused_node), device_for(seam, allowed_node)
    message = eventually(lambda: _warning(seam, refused), timeout=30)
    assert "S2 Access Control" in message and "in the clear" in message
    fresh.act(refused_node, "counts/reset")

    created = seam.access_codes.create(device_id=refused, code="4826", name="Guest")

    def error() -> str | None:
        code = seam.access_codes.get(access_code_id=created.access_code_id)
        return next(
            (e.message for e in code.errors if e.error_code == "failed_to_set_on_device"), None
        )

    reason = eventually(error, timeout=30)
    assert "allow_insecure_nodes" in reason and "in the clear" in reason
    assert fresh.codes(refused_node) == {}
    assert fresh.received(refused_node).get("UserCredentialCCCredentialSet", 0) == 0

    # Its owner allowed the other one: warned all the same, and its codes are programmed.
    assert _warning(seam, allowed) == message
    _set(seam, fresh, allowed_node, "4827")
