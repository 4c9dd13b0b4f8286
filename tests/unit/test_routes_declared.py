"""The routes a hub binds handlers to (gateway/calls/table.py) are exactly the ones declared in
gateway/wire/routes.py (which a fleet front answers from), and each handler parses the model its
declaration names: a front refuses what a hub refuses."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from gateway.calls.table import BY_PATH, ROUTES
from gateway.wire import routes
from gateway.wire.requests import Params


def test_the_hubs_table_and_the_declarations_name_the_same_routes() -> None:
    assert [r.path for r in ROUTES] == [d.path for d in routes.ROUTES]
    for route in ROUTES:
        assert route.declared is routes.BY_PATH[route.path]


class Parsed(Exception):
    pass


class Anything:
    """Services that are never reached: a handler names its service before parsing."""

    def __getattr__(self, _name: str) -> Anything:
        return self

    def __call__(self, *_args: object, **_kwargs: object) -> Anything:
        raise AssertionError("a service was called before the request was parsed")


class RecordingCall:
    """A Call that records the model the handler asks for, then stops the handler."""

    def __init__(self) -> None:
        self.model: type[Params] | None = None

    @property
    def services(self) -> Any:
        return Anything()

    def params(self, model: type[Params]) -> Any:
        self.model = model
        raise Parsed

    def pagination(self, next_seq: int | None) -> dict[str, Any]:
        raise AssertionError


@pytest.mark.parametrize("path", sorted(BY_PATH))
def test_each_handler_parses_the_model_its_route_declares(path: str) -> None:
    call = RecordingCall()
    with pytest.raises(Parsed):
        asyncio.run(BY_PATH[path].answer(call))
    assert call.model is routes.BY_PATH[path].model


def test_every_list_names_its_answers_list_key_and_only_lists_do() -> None:
    for declared in routes.ROUTES:
        assert declared.is_list == declared.path.endswith("/list"), declared.path
        assert declared.is_list <= declared.read_only


def test_every_locator_asks_a_read_only_get_that_takes_its_parameter() -> None:
    for declared in routes.ROUTES:
        for locator in declared.locators:
            get = routes.BY_PATH[locator.get_route]
            assert get.read_only and not get.is_list, declared.path
            assert locator.get_param in get.model.model_fields, declared.path
            assert locator.field in declared.model.model_fields, declared.path
