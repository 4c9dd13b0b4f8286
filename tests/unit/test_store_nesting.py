"""Store.transaction() nests: an inner transaction is a savepoint of the outer one (its failure
undoes only its own writes), commit listeners fire once at the outer commit, and another task
cannot slip its writes into a transaction that is open."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from gateway.store.db import Store, TransactionBusy


def _meta(store: Store) -> dict[str, str]:
    rows = store.conn.execute("SELECT key, value FROM meta WHERE key LIKE 't.%'").fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


def _put(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("INSERT INTO meta (key, value) VALUES (?, 'x')", (f"t.{key}",))


def test_an_inner_failure_undoes_only_the_inner_writes(tmp_path: Path) -> None:
    store = Store(tmp_path)
    commits: list[int] = []
    store.on_commit(lambda: commits.append(1))
    with store.transaction() as conn:
        _put(conn, "outer-before")
        with pytest.raises(ValueError), store.transaction() as inner:
            _put(inner, "inner")
            raise ValueError("refused")
        with store.transaction() as inner:
            _put(inner, "second-inner")
        _put(conn, "outer-after")
    assert set(_meta(store)) == {"t.outer-before", "t.second-inner", "t.outer-after"}
    assert commits == [1]  # once, at the outer commit


def test_an_outer_failure_undoes_the_inner_writes_too(tmp_path: Path) -> None:
    store = Store(tmp_path)
    commits: list[int] = []
    store.on_commit(lambda: commits.append(1))
    with pytest.raises(ValueError), store.transaction() as conn:
        with store.transaction() as inner:
            _put(inner, "inner")
        _put(conn, "outer")
        raise ValueError("refused")
    assert _meta(store) == {}
    assert commits == []
    with store.transaction() as conn:  # the store is usable again
        _put(conn, "after")
    assert set(_meta(store)) == {"t.after"}


def test_another_task_cannot_enter_an_open_transaction(tmp_path: Path) -> None:
    store = Store(tmp_path)
    entered = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        with store.transaction() as conn:
            _put(conn, "holder")
            entered.set()
            await release.wait()

    async def intruder() -> None:
        with store.transaction() as conn:
            _put(conn, "intruder")

    async def scenario() -> None:
        holding = asyncio.create_task(holder())
        await entered.wait()
        with pytest.raises(TransactionBusy):
            await intruder()
        release.set()
        await holding
        await intruder()  # once it is closed, the other task's transaction runs

    asyncio.run(scenario())
    assert set(_meta(store)) == {"t.holder", "t.intruder"}
