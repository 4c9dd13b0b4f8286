"""Which hub(s) a call goes to (pure). A device names its hub (the announcements); any other id
names the hub the front learnt it from; a list with neither gathers from every online hub; a
call whose id nobody has seen asks every online hub at once (the first that knows it answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.fleet.directory import Directory
from gateway.fleet.learnt import NOT_LEARNT, LearntIds
from gateway.wire.errors import ApiError

Params = dict[str, Any]


@dataclass(frozen=True)
class One:
    """The hub that holds what the call names."""

    hub_id: str


@dataclass(frozen=True)
class Scatter:
    """Every online hub at once: the first 2xx answers; all 404: the 404."""

    hub_ids: tuple[str, ...]
    unreachable: tuple[str, ...]


@dataclass(frozen=True)
class Gather:
    """A list from each of these hubs, in hub_id order (the offline ones are left out)."""

    hub_ids: tuple[str, ...]
    unreachable: tuple[str, ...]


Decision = One | Scatter | Gather


def hub_unreachable(hub_ids: list[str] | tuple[str, ...]) -> ApiError:
    names = ", ".join(hub_ids) or "none"
    return ApiError(
        "hub_unreachable",
        f"The hub is not connected to the fleet's broker: {names}",
        status=503,
        data={"hub_ids": list(hub_ids)},
    )


def hub_timeout(hub_id: str) -> ApiError:
    return ApiError(
        "hub_timeout",
        f"Hub {hub_id} did not answer in time",
        status=504,
        data={"hub_ids": [hub_id]},
    )


def is_list(route: str) -> bool:
    return route.endswith("/list")


def device_ids_named(params: Params) -> list[str]:
    """device_id, device_ids and a grant's location.device_ids, in the order named."""
    named: list[str] = []
    one = params.get("device_id")
    if isinstance(one, str):
        named.append(one)
    for many in (params.get("device_ids"), _location_devices(params)):
        if isinstance(many, list):
            named.extend(d for d in many if isinstance(d, str))
    return list(dict.fromkeys(named))


def _location_devices(params: Params) -> object:
    location = params.get("location")
    return location.get("device_ids") if isinstance(location, dict) else None


def other_ids_named(params: Params) -> list[str]:
    """Every other id the call names (`*_id` strings and `*_ids` lists)."""
    found: list[str] = []
    for key, value in params.items():
        if key in NOT_LEARNT or key in ("device_ids", "connected_account_ids"):
            continue
        if key.endswith("_id") and isinstance(value, str):
            found.append(value)
        elif key.endswith("_ids") and isinstance(value, list):
            found.extend(v for v in value if isinstance(v, str))
    return found


def route_call(
    route: str,
    params: Params,
    directory: Directory,
    learnt: LearntIds,
    *,
    hub_named: str | None = None,
) -> Decision:
    """Where the call goes, or an ApiError saying why it goes nowhere."""
    if hub_named is not None:  # the Lockgw-Hub header: the caller chose
        if hub_named not in directory.hubs:
            raise ApiError("hub_not_found", f"No hub {hub_named} in the fleet", status=404)
        return _reachable(hub_named, directory)
    listing = is_list(route)
    hubs = _hubs_of_devices(params, directory, listing=listing)
    if hubs is None:
        hubs = _hubs_of_ids(params, learnt)
    if len(hubs) == 1:
        return _reachable(hubs[0], directory)
    if len(hubs) > 1:
        if listing:
            return _gather(hubs, directory)
        if device_ids_named(params):
            raise ApiError(
                "devices_on_several_hubs",
                "The devices named are on several hubs: "
                f"{', '.join(hubs)}; a call can change devices of one hub only",
                data={"hub_ids": hubs},
            )
    if listing:
        return _gather(sorted(directory.hubs), directory)
    if route.endswith("/create") and not other_ids_named(params):
        if len(directory.hubs) == 1:
            return _reachable(next(iter(directory.hubs)), directory)
        raise ApiError(
            "hub_required",
            "This call names no device, and the fleet has several hubs: name the hub with "
            "the Lockgw-Hub header",
            validation_errors={"_errors": [], "device_ids": {"_errors": ["Required"]}},
        )
    online = tuple(directory.online())
    if not online:
        raise hub_unreachable(directory.offline())
    return Scatter(online, tuple(directory.offline()))


def _hubs_of_devices(params: Params, directory: Directory, *, listing: bool) -> list[str] | None:
    """The hubs of the devices named (None: no device named). A device no hub announced is a
    404, as a hub says it; in a list filter, it only matches nothing."""
    named = device_ids_named(params)
    if not named:
        return None
    hubs: list[str] = []
    for device_id in named:
        hub = directory.hub_of_device(device_id)
        if hub is None:
            if listing and "device_id" not in params:
                continue
            raise ApiError("device_not_found", f"No device with device_id {device_id}", status=404)
        hubs.append(hub)
    return sorted(set(hubs)) if hubs else None


def _hubs_of_ids(params: Params, learnt: LearntIds) -> list[str]:
    hubs = {learnt.hub_of(some_id) for some_id in other_ids_named(params)}
    return sorted(h for h in hubs if h is not None)


def _reachable(hub_id: str, directory: Directory) -> One:
    if not directory.is_online(hub_id):
        raise hub_unreachable([hub_id])
    return One(hub_id)


def _gather(hub_ids: list[str], directory: Directory) -> Gather:
    online = tuple(h for h in sorted(hub_ids) if directory.is_online(h))
    offline = tuple(h for h in sorted(hub_ids) if not directory.is_online(h))
    return Gather(online, offline)
