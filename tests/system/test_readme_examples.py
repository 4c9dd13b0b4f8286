"""Every example in README.md works as pasted against `make run` (scripts/run-sim, started the
way the Makefile starts it), and so does every call `make run` itself suggests.

The examples are: each fenced ```sh block (its `make` lines aside: they are what starts the
daemon), each inline `curl ...` span, and each fenced ```python block. Only what differs between
a user's `make run` and this test is replaced: the ports (8484, 3000/3001, the Nuki's 7510), the
data dir (.lockgw-data), the venv's path and the key placeholder `seam_lgw_...`. curl gets
--fail-with-body, so an HTTP error fails the example."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support import secrets_seen
from tests.support.daemon import free_port
from tests.support.wait import eventually

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
VENV_BIN = Path(sys.executable).parent
NEXT_STEPS_END = "README.md has more examples"
LOG_LINE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} (\w+) ([\w.]+): (.*)$")


@dataclass
class MakeRun:
    data_dir: Path
    port: int
    zwave_port: int
    key: str
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)

    def pasted(self, text: str) -> str:
        """`text` as it reads on a machine where `make run` runs with the defaults."""
        for default, here in (
            ("127.0.0.1:8484", f"127.0.0.1:{self.port}"),
            ("localhost:8484", f"localhost:{self.port}"),
            ("127.0.0.1:3001", f"127.0.0.1:{self.zwave_port + 1}"),
            ("localhost:3001", f"localhost:{self.zwave_port + 1}"),
            (".lockgw-data", str(self.data_dir)),
            (".venv/bin/", f"{VENV_BIN}/"),
            ("seam_lgw_...", self.key),
        ):
            text = text.replace(default, here)
        for port in ("8484", "3000", "3001", "7510"):  # an example on a port this test missed
            assert not re.search(rf":{port}\b", text), text
        return text


def _two_free_ports() -> int:
    """A port p with p + 1 also free (the simulator's control API listens on p + 1)."""
    for _ in range(50):
        port = free_port()
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise AssertionError("no two adjacent free ports")


@pytest.fixture(scope="module")
def make_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeRun]:
    data_dir = tmp_path_factory.mktemp("make-run") / ".lockgw-data"
    data_dir.mkdir()
    created = subprocess.run(  # as the Makefile's run target does
        [
            str(VENV_BIN / "lockgw"),
            "keys",
            "create",
            "--data-dir",
            str(data_dir),
            "--name",
            "make run",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    key = created.stdout.strip().splitlines()[-1]
    (data_dir / "api-key").write_text(key + "\n")
    secrets_seen.KEYS.add(key)
    port, zwave_port = free_port(), _two_free_ports()
    env = {**os.environ, "ZWAVE_PORT": str(zwave_port), "NUKI_PORT": str(free_port())}
    process = subprocess.Popen(
        [str(ROOT / "scripts/run-sim"), str(data_dir), "127.0.0.1", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    run = MakeRun(data_dir, port, zwave_port, key, process)
    daemon_log: list[str] = []
    secrets_seen.LOGS.append(daemon_log)  # the daemon's log lines, not the next-steps text

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            run.output.append(line.rstrip("\n"))
            if LOG_LINE.match(line):
                daemon_log.append(line)

    threading.Thread(target=read, daemon=True).start()
    try:
        eventually(
            lambda: (
                any(NEXT_STEPS_END in line for line in run.output) or process.poll() is not None
            ),
            timeout=120,
            interval=0.2,
        )
        assert process.poll() is None, "\n".join(run.output)
        yield run
    finally:
        # Ctrl-C, as a user stops `make run`: the whole group gets SIGINT, and everything stops
        # (the simulators too, though background jobs of a script ignore SIGINT).
        os.killpg(process.pid, signal.SIGINT)
        process.wait(30)
        try:
            eventually(lambda: not _group_alive(process.pid), timeout=20, interval=0.1)
        finally:
            if _group_alive(process.pid):
                os.killpg(process.pid, signal.SIGKILL)
            secrets_seen.saw_store(data_dir / "lockgw.sqlite3")


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def run_shell(script: str) -> subprocess.CompletedProcess[str]:
    script = re.sub(r"\bcurl (?!.*--fail-with-body)", "curl --fail-with-body ", script)
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def readme_examples() -> list[tuple[str, str]]:
    """(language, text) of every example in the README."""
    text = README.read_text()
    found: list[tuple[str, str]] = []
    for language, body in re.findall(r"```(\w+)\n(.*?)```", text, flags=re.S):
        if language in {"sh", "bash", "shell"}:
            lines = [ln for ln in body.splitlines() if not re.match(r"\s*make\b", ln)]
            if any(ln.strip() and not ln.strip().startswith("#") for ln in lines):
                found.append(("sh", "\n".join(lines)))
        elif language == "python":
            found.append(("python", body))
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    for span in re.findall(r"`(curl [^`]+)`", prose):
        found.append(("sh", " ".join(span.split())))
    return found


EXAMPLES = readme_examples()


def test_the_readme_has_examples_to_run() -> None:
    languages = Counter(language for language, _ in EXAMPLES)
    assert languages["sh"] >= 2 and languages["python"] >= 1, EXAMPLES


@pytest.mark.parametrize(("language", "example"), EXAMPLES, ids=lambda x: str(x)[:40])
def test_every_readme_example_works_as_pasted_against_make_run(
    make_run: MakeRun, language: str, example: str
) -> None:
    code = make_run.pasted(example)
    if language == "python":
        result = subprocess.run(
            [sys.executable, "-c", code],
            check=False,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    else:
        result = run_shell(code)
    assert result.returncode == 0, f"{example}\n---\n{result.stdout}\n{result.stderr}"


def test_make_run_says_what_to_do_next_and_its_example_calls_work_as_pasted(
    make_run: MakeRun,
) -> None:
    text = "\n".join(make_run.output)
    assert f"data dir   {make_run.data_dir}" in text
    assert ".venv/bin/lockgw devices list --data-dir" in text
    assert f"control API http://127.0.0.1:{make_run.zwave_port + 1}" in text
    found = (
        re.search(r"(?:^|\s{2,})((?:curl|\.venv/bin/lockgw) .*)$", ln) for ln in make_run.output
    )
    calls = [m.group(1) for m in found if m]
    assert len(calls) >= 3, text
    for call in calls:
        result = run_shell(call)
        assert result.returncode == 0, f"{call}\n---\n{result.stdout}\n{result.stderr}"
    listed = run_shell(next(c for c in calls if "/locks/list" in c))
    assert '"device_type"' in listed.stdout


def test_make_runs_log_is_quiet_at_info(make_run: MakeRun) -> None:
    startup = [m for m in map(LOG_LINE.match, make_run.output) if m]
    assert 0 < len(startup) <= 40, "\n".join(make_run.output)
    # no message said over and over (digits aside: "lock 2", "lock 3" are one message)
    said = Counter((m.group(2), re.sub(r"\d+", "N", m.group(3))) for m in startup)
    (logger, message), times = said.most_common(1)[0]
    assert times <= 5, f"{logger}: {message} ({times} times)"
    assert not any(m.group(1) == "DEBUG" for m in startup)
