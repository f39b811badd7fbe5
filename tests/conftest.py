"""Project-wide pytest options.

`--update-goldens` rewrites the expected trees under tests/golden/ instead of comparing
against them; review the result as a diff before committing.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite golden files under tests/golden/ instead of comparing against them",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when the run was started with --update-goldens."""
    return bool(request.config.getoption("--update-goldens"))


def _dev_null_is_a_device() -> bool:
    import os
    import stat

    try:
        return stat.S_ISCHR(os.lstat("/dev/null").st_mode)
    except OSError:
        return False


@pytest.fixture(autouse=True)
def dev_null_guard() -> object:
    """Fail the test after which /dev/null is no longer a character device, and put it back.

    Twice during development something (podman 4.3's `cp`, among others) replaced the host's
    /dev/null with a regular file, which breaks every later test that redirects output. This
    names the test that did it instead of letting the damage cascade.
    """
    yield
    if _dev_null_is_a_device():
        return
    import os

    if os.geteuid() == 0:
        os.remove("/dev/null")
        os.mknod("/dev/null", 0o666 | 0o020000, os.makedev(1, 3))
        os.chmod("/dev/null", 0o666)
    pytest.fail("/dev/null was replaced by a regular file during this test (restored)", pytrace=False)
