"""The daemon looks for paired Nuki locks where `lockgw ble pair` puts them, without loading
the Nuki driver when there are none."""

from __future__ import annotations

from drivers.nuki import files
from gateway import daemon


def test_the_daemon_looks_for_paired_nuki_locks_in_the_folder_pairing_writes() -> None:
    assert daemon.NUKI_FOLDER == files.FOLDER
