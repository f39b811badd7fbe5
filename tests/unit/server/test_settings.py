"""aicrd settings from the environment: defaults, overrides, and refusal to start on bad values."""

from __future__ import annotations

import pytest

from aicr.errors import AicrError
from aicr.server.settings import MIB, Settings, log_level


def test_defaults_match_the_reference() -> None:
    settings = Settings.from_env({})
    assert (settings.address, settings.port) == ("0.0.0.0", 8080)
    assert (settings.rate_limit, settings.rate_burst) == (100.0, 200)
    assert settings.shutdown_timeout == 30.0
    assert (settings.recipe_body_limit, settings.bundle_body_limit) == (1 * MIB, 8 * MIB)
    assert (settings.recipe_timeout, settings.bundle_timeout) == (30.0, 60.0)
    assert not settings.allowlist


def test_environment_overrides() -> None:
    env = {
        "AICR_SERVER_ADDRESS": "127.0.0.1",
        "PORT": "9090",
        "SHUTDOWN_TIMEOUT_SECONDS": "5",
        "AICR_RATE_LIMIT": "0",
        "AICR_RATE_BURST": "10",
        "AICR_LOG_LEVEL": "DEBUG",
        "AICR_ALLOWED_ACCELERATORS": "h100, L40,any",
    }
    settings = Settings.from_env(env)
    assert (settings.address, settings.port, settings.shutdown_timeout) == ("127.0.0.1", 9090, 5.0)
    assert not settings.rate_limited
    assert settings.log_level == "debug"
    assert settings.allowlist.allowed == {"accelerator": ["h100", "l40"]}


@pytest.mark.parametrize(
    ("env", "text"),
    [
        ({"PORT": "http"}, "invalid PORT: 'http' is not an integer"),
        ({"PORT": "70000"}, "invalid PORT: 70000 (must be between 1 and 65535)"),
        ({"AICR_RATE_LIMIT": "-1"}, "invalid AICR_RATE_LIMIT"),
        ({"AICR_RATE_LIMIT": "nan"}, "invalid AICR_RATE_LIMIT"),
        ({"AICR_RATE_BURST": "0"}, "invalid AICR_RATE_BURST: 0 (must be >= 1)"),
        ({"SHUTDOWN_TIMEOUT_SECONDS": "soon"}, "invalid SHUTDOWN_TIMEOUT_SECONDS"),
        ({"AICR_ALLOWED_ACCELERATORS": "h100,bogus"}, "invalid AICR_ALLOWED_ACCELERATORS"),
    ],
)
def test_bad_values_refuse_to_start(env: dict[str, str], text: str) -> None:
    with pytest.raises(AicrError) as caught:
        Settings.from_env(env)
    assert text in caught.value.message


def test_allowlist_values_may_come_from_the_catalog() -> None:
    valid = {
        "service": frozenset({"eks", "generic"}),
        "accelerator": frozenset(),
        "intent": frozenset(),
        "os": frozenset(),
    }
    assert Settings.from_env({"AICR_ALLOWED_SERVICES": "generic"}, valid).allowlist.allowed == {
        "service": ["generic"]
    }


@pytest.mark.parametrize(
    ("env", "level"),
    [({}, "info"), ({"LOG_LEVEL": "warn"}, "warn"), ({"AICR_LOG_LEVEL": "error", "LOG_LEVEL": "debug"}, "error"),
     ({"AICR_LOG_LEVEL": "verbose"}, "info")],
)  # fmt: skip
def test_log_level_falls_back_to_info(env: dict[str, str], level: str) -> None:
    assert log_level(env) == level


def test_connection_bounds_default_to_the_reference_timeouts() -> None:
    settings = Settings.from_env({})
    assert (settings.header_timeout, settings.read_timeout, settings.keep_alive_timeout) == (5.0, 10.0, 120.0)
    assert (settings.max_header_bytes, settings.max_connections) == (64 * 1024, 1024)


def test_connection_bounds_come_from_the_environment() -> None:
    env = {
        "AICR_HEADER_TIMEOUT_SECONDS": "2.5",
        "AICR_READ_TIMEOUT_SECONDS": "4",
        "AICR_IDLE_TIMEOUT_SECONDS": "30",
        "AICR_MAX_HEADER_BYTES": "16384",
        "AICR_MAX_CONNECTIONS": "500",
    }
    settings = Settings.from_env(env)
    assert (settings.header_timeout, settings.read_timeout, settings.keep_alive_timeout) == (2.5, 4.0, 30.0)
    assert (settings.max_header_bytes, settings.max_connections) == (16384, 500)


@pytest.mark.parametrize(
    ("name", "value"),
    [("AICR_MAX_CONNECTIONS", "0"), ("AICR_MAX_CONNECTIONS", "many"), ("AICR_HEADER_TIMEOUT_SECONDS", "inf"),
     ("AICR_MAX_HEADER_BYTES", "10")],
)  # fmt: skip
def test_bad_connection_bounds_refuse_to_start(name: str, value: str) -> None:
    with pytest.raises(AicrError, match=name):
        Settings.from_env({name: value})


@pytest.mark.parametrize(
    ("raw", "allowed"), [("true", True), ("1", True), ("T", True), ("yes", False), ("", False)]
)
def test_vendor_charts_opt_in_reads_like_go_parse_bool(raw: str, allowed: bool) -> None:
    assert Settings.from_env({"AICR_ALLOW_VENDOR_CHARTS": raw}).allow_vendor_charts is allowed
