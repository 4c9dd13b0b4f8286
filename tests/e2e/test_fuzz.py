"""A bounded fuzz stage (issue 16): every implemented route gets request bodies generated from
Seam's own OpenAPI request schema (with real ids from the daemon and with random ones) and
structurally hostile bodies (wrong types, extra keys, huge strings, deep nesting, odd unicode).

Every answer must be below 500, JSON, and an error must be Seam-shaped. The stage is bounded
and deterministic: a fixed number of examples per route, derandomized, no example database.
It runs against a daemon of its own (its own data dir), so whatever it deletes or updates
cannot disturb the other e2e tests; the pool of real ids is re-read before every route.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote_from_bytes

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.api.app import MAX_BODY_BYTES, ROUTES
from gateway.wire.body import MAX_DEPTH
from tests.support.daemon import Daemon
from tests.support.openapi import SeamOpenApi, _convert, error_body_errors

SCHEMA_EXAMPLES = 40
HOSTILE_EXAMPLES = 40
ROUTE_PATHS = [path for path, _, _ in ROUTES]

FUZZ_CONFIG = """
[[virtual_locks]]
name = "Fuzz front"
profile = "zwave-30"
ref = "fuzz-front"
codes = [
    { slot = 1, code = "4711", name = "Owner" },
    { slot = 2, code = "8642" },
    { slot = 3, code = "5190" },
]

[[virtual_locks]]
name = "Fuzz back"
profile = "zwave-250"
ref = "fuzz-back"
codes = [{ slot = 7, code = "135790" }]

[[virtual_locks]]
name = "Fuzz garage"
profile = "nuki"
ref = "fuzz-garage"
"""

FUZZ_SETTINGS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

# Which kind of real id a parameter takes.
ID_KINDS = {
    "device_id": "devices",
    "device_ids": "devices",
    "access_code_id": "codes",
    "access_code_ids": "codes",
    "action_attempt_id": "attempts",
}


class Fuzzer:
    def __init__(self, daemon: Daemon, client: httpx.Client) -> None:
        self.daemon = daemon
        self.client = client
        self.ids: dict[str, list[str]] = {"devices": [], "codes": [], "attempts": []}
        self.codes_by_device: dict[str, list[str]] = {}
        self.statuses: Counter[int] = Counter()

    def send(self, path: str, content: bytes) -> httpx.Response:
        response = self.client.post(
            path, content=content, headers={"content-type": "application/json"}
        )
        self.statuses[response.status_code] += 1
        self.check(path, content, response)
        return response

    def check(self, path: str, content: bytes, response: httpx.Response) -> None:
        shown = content[:2000].decode(errors="replace")
        where = f"{path} request={shown!r} -> {response.status_code} {response.text[:500]!r}"
        if response.status_code >= 500:
            raise AssertionError(f"5xx: {where}\n--- daemon log (tail) ---\n{self.log_tail()}")
        try:
            body = response.json()
        except ValueError:
            raise AssertionError(f"not JSON: {where}") from None
        if response.status_code >= 400:
            problems = error_body_errors(body)
            assert not problems, f"not Seam-shaped ({problems}): {where}"
        else:
            assert isinstance(body, dict) and body.get("ok") is True, f"no ok: true: {where}"

    def log_tail(self) -> str:
        return self.daemon.log()[-6000:]

    def call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.send(path, json.dumps(body).encode())
        result: dict[str, Any] = response.json()
        return result

    def refresh(self) -> None:
        """Re-read the real ids, topping managed codes up: a route may have deleted some."""
        devices = [d["device_id"] for d in self.call("/devices/list", {})["devices"]]
        self.ids["devices"] = devices
        codes: list[str] = []
        for device_id in devices:
            managed = self.call("/access_codes/list", {"device_id": device_id})["access_codes"]
            if len(managed) < 2:
                for n in range(2 - len(managed)):
                    made = self.call(
                        "/access_codes/create",
                        {"device_id": device_id, "name": f"fuzz seed {n}"},
                    )
                    if "access_code" in made:
                        managed.append(made["access_code"])
                        self.keep_attempt(made)
            unmanaged = self.call("/access_codes/unmanaged/list", {"device_id": device_id})
            ids = [c["access_code_id"] for c in managed + unmanaged["access_codes"]]
            self.codes_by_device[device_id] = ids
            codes += ids
        self.ids["codes"] = codes
        if not self.ids["attempts"] and devices:
            self.keep_attempt(self.call("/locks/lock_door", {"device_id": devices[0]}))

    def keep_attempt(self, answer: dict[str, Any]) -> None:
        attempt = answer.get("action_attempt")
        if isinstance(attempt, dict):
            self.ids["attempts"] = [*self.ids["attempts"][-9:], attempt["action_attempt_id"]]


@pytest.fixture(scope="module")
def fuzzer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzer]:
    data_dir: Path = tmp_path_factory.mktemp("fuzz-daemon")
    config = data_dir / "lockgw.toml"
    config.write_text(FUZZ_CONFIG)
    daemon = Daemon(data_dir, config=config, sim=False)
    daemon.start()
    headers = {"Authorization": f"Bearer {daemon.key}"}
    try:
        with httpx.Client(base_url=daemon.url, headers=headers, timeout=30) as client:
            fuzz = Fuzzer(daemon, client)
            yield fuzz
    finally:
        code = daemon.stop()
    assert code == 0, daemon.log()
    print(f"fuzz answers by status: {sorted(fuzz.statuses.items())}")
    # The generated bodies reach the handlers, not only the validation in front of them.
    assert sum(n for status, n in fuzz.statuses.items() if status < 300) > 100, fuzz.statuses
    assert "unhandled error" not in daemon.log(), daemon.log()


# ---- schema-driven bodies ----------------------------------------------------------------


def _strip(node: Any) -> Any:
    """The request schema hypothesis-jsonschema can generate from: no OpenAPI-only keys,
    no non-string `format` (Seam marks numbers `format: float`)."""
    if isinstance(node, list):
        return [_strip(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _strip(v) for k, v in node.items() if not k.startswith("x-") and k != "description"}
    if out.get("format") not in (None, "uuid", "date-time"):
        del out["format"]
    out.pop("default", None)
    return out


def request_schema(openapi: SeamOpenApi, path: str) -> dict[str, Any]:
    operations = openapi.paths[path]
    operation = operations.get("post") or next(iter(operations.values()))
    if "requestBody" not in operation:  # a call without parameters (/workspaces/get)
        return {"type": "object", "properties": {}}
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    stripped: dict[str, Any] = _strip(_convert(schema))
    return stripped


UUIDS = st.uuids().map(str)
DATETIMES = st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:  # noqa: C901, PLR0912
    """Values valid for the subset of JSON Schema Seam's request schemas use.

    (hypothesis-jsonschema 0.23.1, its latest release, calls `many.more()` from hypothesis'
    internals, which the pinned hypothesis 6.170 no longer has: it fails on every object.)
    """
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of([from_schema(s) for s in schema[key]])
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        extra = schema.get("additionalProperties")
        fixed = st.fixed_dictionaries(
            {k: from_schema(v) for k, v in properties.items() if k in required},
            optional={k: from_schema(v) for k, v in properties.items() if k not in required},
        )
        if isinstance(extra, dict) and not properties:
            return st.dictionaries(st.text(max_size=20), from_schema(extra), max_size=5)
        return fixed
    if kind == "array":
        return st.lists(
            from_schema(schema.get("items", {})),
            min_size=schema.get("minItems", 0),
            max_size=min(schema.get("maxItems", 5), 5),
        )
    if kind == "string":
        if schema.get("format") == "uuid":
            return UUIDS
        if schema.get("format") == "date-time":
            return DATETIMES
        low, high = schema.get("minLength", 0), schema.get("maxLength", 60)
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True).filter(
                lambda t: low <= len(t) <= high
            )
        return st.text(min_size=low, max_size=high)
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers()
    if kind == "number":
        return st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False))
    if kind == "null":
        return st.none()
    return VALUES


def _with_real_ids(
    draw: st.DrawFn, body: dict[str, Any], fuzz: Fuzzer, schema: dict[str, Any]
) -> dict[str, Any]:
    """Swap generated ids for real ones (the pool as it is now), some of the time."""
    properties = schema.get("properties", {})
    for field, kind in ID_KINDS.items():
        pool = fuzz.ids[kind]
        if field not in properties or not pool or not draw(st.booleans()):
            continue
        if field.endswith("_ids"):
            body[field] = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3))
        else:
            body[field] = draw(st.sampled_from(pool))
    # A real device's real codes: `code` lookups and creates that collide.
    if "code" in properties and isinstance(body.get("device_id"), str) and draw(st.booleans()):
        body["code"] = draw(st.sampled_from(["4711", "8642", "5190", "135790", "0000"]))
    return body


def test_route_list_is_in_seams_document(openapi: SeamOpenApi) -> None:
    missing = [p for p in ROUTE_PATHS if p not in openapi.paths]
    assert not missing


@pytest.mark.e2e
@pytest.mark.parametrize("path", ROUTE_PATHS)
def test_schema_bodies_never_5xx(path: str, fuzzer: Fuzzer, openapi: SeamOpenApi) -> None:
    schema = request_schema(openapi, path)
    bodies = from_schema(schema)
    fuzzer.refresh()

    @st.composite
    def requests(draw: st.DrawFn) -> Any:
        body = draw(bodies)
        return _with_real_ids(draw, dict(body), fuzzer, schema) if isinstance(body, dict) else body

    @settings(FUZZ_SETTINGS, max_examples=SCHEMA_EXAMPLES)
    @given(body=requests())
    def run(body: Any) -> None:
        answer = fuzzer.send(path, json.dumps(body).encode())
        if answer.status_code < 300:
            fuzzer.keep_attempt(answer.json())

    run()


# ---- structurally hostile bodies ---------------------------------------------------------

ODD_TEXT = st.sampled_from(
    [
        "\ud800",  # lone surrogates: valid JSON escapes, not encodable as UTF-8
        "\udfff",
        "a\ud83d",
        "\x00",
        "\u202e\u0000\ufeff",
        "😀" * 50,
        "\uff21\u0301",
        "' OR 1=1 --",
        "../../etc/passwd",
        "%s%n",
        "",
        " ",
    ]
)
TEXT = st.one_of(st.text(max_size=30), ODD_TEXT)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([-(2**63), 2**63, 2**64 + 1, 10**300, -1, 0]),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)


@st.composite
def _nested(draw: st.DrawFn) -> Any:
    depth = draw(st.integers(min_value=1, max_value=MAX_DEPTH + 8))
    value: Any = draw(SCALARS)
    for _ in range(depth):
        value = [value] if draw(st.booleans()) else {draw(TEXT): value}
    return value


HUGE = st.one_of(
    st.integers(min_value=1_000, max_value=MAX_BODY_BYTES // 2).map(lambda n: "9" * n),
    st.integers(min_value=1_000, max_value=MAX_BODY_BYTES // 24).map(lambda n: "é😀" * n),
    st.just("x" * (MAX_BODY_BYTES + 10)),  # over the limit: a 413
    st.just([""] * 20_000),
)
HOSTILE_VALUES = st.one_of(VALUES, _nested(), HUGE)


def _encode(body: Any, ascii_only: bool = True) -> bytes:
    # Not ASCII-only: raw UTF-8, and lone surrogates as the invalid bytes they would be.
    return json.dumps(body, allow_nan=True, ensure_ascii=ascii_only).encode(errors="surrogatepass")


def schema_fields(schema: dict[str, Any]) -> list[str]:
    """The parameter names of a request schema, of every variant of a oneOf; a call without
    parameters gets a stand-in name (an unknown parameter must be refused too)."""
    names = set(schema.get("properties", {}))
    for variant in schema.get("oneOf", []) + schema.get("anyOf", []):
        names |= set(variant.get("properties", {}))
    return sorted(names) or ["device_id"]


def hostile_bodies(schema: dict[str, Any]) -> st.SearchStrategy[bytes]:
    fields = schema_fields(schema)
    keys = st.one_of(st.sampled_from(fields), st.sampled_from(fields), TEXT)
    objects = st.builds(
        _encode, st.dictionaries(keys, HOSTILE_VALUES, min_size=1, max_size=5), st.booleans()
    )
    not_objects = HOSTILE_VALUES.filter(lambda v: not isinstance(v, dict)).map(_encode)
    raw = st.one_of(
        st.binary(max_size=64),
        st.sampled_from(
            [
                b"{",
                b'{"device_id": }',
                b'{"device_id": "\xff\xfe"}',
                b'{"device_id": NaN}',
                b'{"limit": Infinity}',
                b'{"limit": -Infinity}',
                b'{"device_id": "a", "device_id": 1}',
                b"\xef\xbb\xbf{}",
                b'{"limit": 1e999}',
                b'{"limit": ' + b"9" * 5000 + b"}",
                b'{"a": "\\ud800"}',
            ]
        ),
    )
    return st.one_of(objects, objects, objects, not_objects, raw)


@pytest.mark.e2e
@pytest.mark.parametrize("path", ROUTE_PATHS)
def test_hostile_bodies_never_5xx(path: str, fuzzer: Fuzzer, openapi: SeamOpenApi) -> None:
    bodies = hostile_bodies(request_schema(openapi, path))
    fuzzer.refresh()
    real_ids = st.sampled_from(fuzzer.ids["devices"] + fuzzer.ids["codes"] or ["x"])

    @settings(FUZZ_SETTINGS, max_examples=HOSTILE_EXAMPLES)
    @given(content=bodies, real=real_ids, with_real=st.booleans())
    def run(content: bytes, real: str, with_real: bool) -> None:
        if with_real and content.startswith(b"{") and content.endswith(b"}"):
            # A real id alongside the hostile fields: validation, not the lookup, must refuse.
            field = b'"device_id"' if real in fuzzer.ids["devices"] else b'"access_code_id"'
            content = b"{" + field + b": " + json.dumps(real).encode() + b", " + content[1:]
            if content.endswith(b", }"):
                content = content[:-3] + b"}"
        fuzzer.send(path, content)

    run()


# Long values, with the whole request line kept under aiohttp's 8190-byte limit (see below).
HUGE_QUERY = st.integers(min_value=100, max_value=800).map(lambda n: "9" * n)
QUERY_ROUTES = [path for path, methods, _ in ROUTES if {"GET", "DELETE"} & set(methods)]


@pytest.mark.e2e
@pytest.mark.parametrize("path", QUERY_ROUTES)
def test_hostile_query_strings_never_5xx(path: str, fuzzer: Fuzzer, openapi: SeamOpenApi) -> None:
    """GET and DELETE read their parameters from the query: repeated and dotted keys, arrays
    where scalars go and the reverse, odd unicode."""
    fields = schema_fields(request_schema(openapi, path))
    methods = [m for p, ms, _ in ROUTES if p == path for m in ms if m in ("GET", "DELETE")]
    fuzzer.refresh()
    real = fuzzer.ids["devices"] + fuzzer.ids["codes"] + fuzzer.ids["attempts"]
    keys = st.one_of(
        st.sampled_from(fields),
        st.sampled_from(fields).map(lambda f: f + "." + "x"),
        st.builds(lambda f, k: f"{f}.{k}", st.sampled_from(fields), TEXT),
        TEXT,
    )
    values = st.one_of(TEXT, st.sampled_from(real or ["x"]), st.integers().map(str), HUGE_QUERY)
    queries = st.lists(st.tuples(keys, values), min_size=1, max_size=6)

    @settings(FUZZ_SETTINGS, max_examples=HOSTILE_EXAMPLES)
    @given(query=queries, method=st.sampled_from(methods))
    def run(query: list[tuple[str, str]], method: str) -> None:
        safe = [
            (k.encode(errors="surrogatepass"), v.encode(errors="surrogatepass")) for k, v in query
        ]
        raw_query = "&".join(f"{quote_from_bytes(k)}={quote_from_bytes(v)}" for k, v in safe)
        response = fuzzer.client.request(method, f"{path}?{raw_query}")
        fuzzer.statuses[response.status_code] += 1
        fuzzer.check(path, f"{method} ?{raw_query}".encode(), response)

    run()


@pytest.mark.e2e
def test_overlong_query_string_answers_seam_json(fuzzer: Fuzzer) -> None:
    response = fuzzer.client.get("/locks/get", params={"device_id": "9" * 9_000})
    fuzzer.check("/locks/get", b"GET ?device_id=" + b"9" * 9_000, response)
