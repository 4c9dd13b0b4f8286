"""Imported by Python at start-up when this folder is on PYTHONPATH: the process runs with the
clock queries refused (see tests/support/seccomp.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.support.seccomp import refuse_clock_queries

refuse_clock_queries()
