"""`[zwave] allow_insecure_nodes`: the owner's explicit list of insecurely included locks that
may receive PINs anyway; a mistake in it names the key."""

from __future__ import annotations

import pytest

from gateway.config import ConfigError, parse


def test_the_owner_allows_insecure_nodes_by_node_id() -> None:
    config = parse('[zwave]\nurl = "ws://127.0.0.1:3000"\nallow_insecure_nodes = [5, 12]\n')
    assert config.zwave_allow_insecure_nodes == (5, 12)
    assert parse("").zwave_allow_insecure_nodes == ()  # none by default


@pytest.mark.parametrize("value", ['["5"]', "[1]", "5"])
def test_a_bad_allow_insecure_nodes_names_the_key(value: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse(f"[zwave]\nallow_insecure_nodes = {value}\n")
    assert "[zwave] allow_insecure_nodes" in str(error.value)
