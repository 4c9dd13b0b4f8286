"""Which hub(s) a call goes to (pure), from the route's declaration (gateway/wire/routes.py) and
the call's validated parameters. A device names its hub (the announcements; a device announced
by several hubs is refused); any other id names the hub the front learnt it from. A list with
neither gathers from every online hub; a read naming an id nobody has seen asks every online hub
at once (the first that knows it answers). A change naming an id the front has not learnt first
finds its hub with the read-only get of that thing (`Find`), then goes to that hub alone: a
change, and the PIN it may carry, never reaches a hub that does not hold what it changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.fleet.directory import Directory
from gateway.fleet.learnt import NOT_LEARNT, LearntIds
from gateway.wire import routes
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


@dataclass(frozen=True)
class Ask:
    """Ask `route` with {param: value} of every online hub: the one that has it holds `value`."""

    route: str
    param: str
    value: str


@dataclass(frozen=True)
class Find:
    """The hubs of these ids first (then route the call again, knowing them)."""

    asks: tuple[Ask, ...]


Decision = One | Scatter | Gather | Find


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


def endpoint_not_found(route: str) -> ApiError:
    return ApiError("endpoint_not_found", f"No endpoint {route}", status=404)


def on_several_hubs(hub_ids: list[str], what: str = "devices") -> ApiError:
    return ApiError(
        "devices_on_several_hubs",
        f"The {what} named are on several hubs: {', '.join(hub_ids)}; a call can change "
        "devices of one hub only",
        data={"hub_ids": hub_ids},
    )


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
    found: Mapping[str, str] | None = None,
) -> Decision:
    """Where the call goes, or an ApiError saying why it goes nowhere. `found`: the hubs of ids
    a `Find` found."""
    declared = routes.BY_PATH.get(route)
    if declared is None:
        raise endpoint_not_found(route)
    if hub_named is not None:  # the Lockgw-Hub header: the caller chose
        if hub_named not in directory.hubs:
            raise ApiError("hub_not_found", f"No hub {hub_named} in the fleet", status=404)
        return _reachable(hub_named, directory)
    device_hubs = _hubs_of_devices(params, directory, listing=declared.is_list)
    if declared.read_only:
        return _read(declared, params, device_hubs, directory, learnt)
    return _change(declared, params, device_hubs, directory, learnt, found or {})


def _read(
    declared: routes.Declared,
    params: Params,
    device_hubs: list[str] | None,
    directory: Directory,
    learnt: LearntIds,
) -> Decision:
    hubs = device_hubs if device_hubs is not None else _hubs_of_ids(params, learnt)
    if len(hubs) == 1:
        return _reachable(hubs[0], directory)
    if len(hubs) > 1:
        if declared.is_list:
            return _gather(hubs, directory)
        if device_hubs is not None:
            raise on_several_hubs(hubs)
    if declared.is_list:
        return _gather(sorted(directory.hubs), directory)
    return everywhere(directory)


def _change(
    declared: routes.Declared,
    params: Params,
    device_hubs: list[str] | None,
    directory: Directory,
    learnt: LearntIds,
    found: Mapping[str, str],
) -> Decision:
    hubs = set(device_hubs or ())
    asks: list[Ask] = []
    for locator in declared.locators:
        if device_hubs is not None and not locator.with_devices:
            continue
        for value in _ids(params.get(locator.field)):
            hub = found.get(value) or learnt.hub_of(value)
            if hub is None:
                asks.append(Ask(locator.get_route, locator.get_param, value))
            else:
                hubs.add(hub)
    if asks:
        return Find(tuple(dict.fromkeys(asks)))
    if len(hubs) == 1:
        return _reachable(hubs.pop(), directory)
    if len(hubs) > 1:
        spaces = any(params.get(loc.field) for loc in declared.locators if loc.with_devices)
        raise on_several_hubs(sorted(hubs), "devices and spaces" if spaces else "devices")
    learnt_hubs = _hubs_of_ids(params, learnt)
    if len(learnt_hubs) == 1:
        return _reachable(learnt_hubs[0], directory)
    if declared.path.endswith("/create"):  # a create (and its PIN) is never sent to every hub
        if len(directory.hubs) == 1:
            return _reachable(next(iter(directory.hubs)), directory)
        raise ApiError(
            "hub_required",
            "This call names no device, and the fleet has several hubs: name the hub with "
            "the Lockgw-Hub header",
            validation_errors={"_errors": [], "device_ids": {"_errors": ["Required"]}},
        )
    # Names nothing of one hub (a connected account, a common_code_key): every hub has its own.
    return everywhere(directory)


def _ids(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _hubs_of_devices(params: Params, directory: Directory, *, listing: bool) -> list[str] | None:
    """The hubs of the devices named (None: no device named). A device no hub announced is a
    404, as a hub says it; in a list filter, it only matches nothing. A device several hubs
    announce is refused: which of them holds the lock the front cannot tell."""
    named = device_ids_named(params)
    if not named:
        return None
    hubs: list[str] = []
    for device_id in named:
        announcing = directory.hubs_of_device(device_id)
        if len(announcing) > 1:
            raise ApiError(
                "device_on_several_hubs",
                f"Device {device_id} is announced by several hubs: {', '.join(announcing)}; "
                "its calls are refused until one hub alone announces it",
                status=409,
                data={"device_id": device_id, "hub_ids": list(announcing)},
            )
        if not announcing:
            if listing and "device_id" not in params:
                continue
            raise ApiError("device_not_found", f"No device with device_id {device_id}", status=404)
        hubs.append(announcing[0])
    return sorted(set(hubs)) if hubs else None


def _hubs_of_ids(params: Params, learnt: LearntIds) -> list[str]:
    hubs = {learnt.hub_of(some_id) for some_id in other_ids_named(params)}
    return sorted(h for h in hubs if h is not None)


def _reachable(hub_id: str, directory: Directory) -> One:
    if not directory.is_online(hub_id):
        raise hub_unreachable([hub_id])
    return One(hub_id)


def everywhere(directory: Directory) -> Scatter:
    online = tuple(directory.online())
    if not online:
        raise hub_unreachable(directory.offline())
    return Scatter(online, tuple(directory.offline()))


def _gather(hub_ids: list[str], directory: Directory) -> Gather:
    online = tuple(h for h in sorted(hub_ids) if directory.is_online(h))
    offline = tuple(h for h in sorted(hub_ids) if not directory.is_online(h))
    return Gather(online, offline)
