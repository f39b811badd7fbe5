"""--vendor-charts network safety: refused hosts, the loopback opt-in, redirects, size cap, credentials."""

from __future__ import annotations

import base64
import ipaddress
import json
import socket
from typing import Any

import httpx
import pytest

from aicr.bundle import vendor
from aicr.errors import AicrError, Code
from aicr.io import oci

OPT_IN = {vendor.ALLOW_LOOPBACK_ENV: "true"}


def resolver(*addresses: str) -> Any:
    def resolve(host: str, port: object) -> list[tuple[Any, ...]]:
        family = socket.AF_INET6 if ":" in addresses[0] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (a, 0)) for a in addresses]

    return resolve


@pytest.mark.parametrize(
    "address", ["10.1.2.3", "192.168.0.1", "169.254.169.254", "fd00:ec2::254", "::ffff:10.0.0.1", "0.0.0.0"]
)
def test_private_link_local_and_metadata_addresses_are_refused(address: str) -> None:
    with pytest.raises(AicrError) as err:
        vendor.check_host("charts.example:443", OPT_IN, resolver(address))
    assert err.value.code is Code.INVALID_REQUEST
    assert '"charts.example"' in err.value.message and str(ipaddress.ip_address(address)) in err.value.message


def test_a_public_address_is_allowed_without_opt_in() -> None:
    assert vendor.check_host("charts.example", {}, resolver("203.0.114.7", "8.8.8.8")) is False


def test_loopback_is_refused_without_the_opt_in_and_names_it() -> None:
    with pytest.raises(AicrError) as err:
        vendor.check_host("127.0.0.1:8080", {}, resolver("127.0.0.1"))
    assert err.value.code is Code.INVALID_REQUEST and vendor.ALLOW_LOOPBACK_ENV in err.value.message


def test_loopback_with_the_opt_in_is_allowed_and_reported_as_local() -> None:
    assert vendor.check_host("[::1]:5000", OPT_IN, resolver("::1")) is True


def test_the_opt_in_does_not_cover_a_host_that_also_resolves_to_a_private_address() -> None:
    with pytest.raises(AicrError):
        vendor.check_host("mixed.example", OPT_IN, resolver("127.0.0.1", "10.0.0.5"))


def test_an_unresolvable_host_is_unavailable() -> None:
    def fail(host: str, port: object) -> list[Any]:
        raise socket.gaierror("no such host")

    with pytest.raises(AicrError) as err:
        vendor.check_host("nowhere.example", {}, fail)
    assert err.value.code is Code.UNAVAILABLE


def client(handler: Any) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


@pytest.fixture
def public_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every name resolves to a public address except `internal.example` (10.0.0.9)."""

    def resolve(host: str, port: object) -> list[tuple[Any, ...]]:
        address = "10.0.0.9" if host == "internal.example" else "93.184.215.14"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 0))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


@pytest.mark.usefixtures("public_dns")
def test_a_redirect_to_a_private_host_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://internal.example/x.tgz"})

    with client(handler) as http, pytest.raises(AicrError) as err:
        vendor.fetch(http, "https://charts.example/x.tgz", "chart archive", {})
    assert err.value.code is Code.INVALID_REQUEST and "internal.example" in err.value.message


@pytest.mark.usefixtures("public_dns")
def test_a_redirect_to_a_public_host_is_followed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "charts.example":
            return httpx.Response(301, headers={"Location": "https://cdn.example/x.tgz"})
        return httpx.Response(200, content=b"archive")

    with client(handler) as http:
        assert vendor.fetch(http, "https://charts.example/x.tgz", "chart archive", {}) == b"archive"


@pytest.mark.usefixtures("public_dns")
def test_a_download_past_the_size_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vendor, "MAX_CHART_BYTES", 1024)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * 2048)

    with client(handler) as http, pytest.raises(AicrError) as err:
        vendor.fetch(http, "https://charts.example/x.tgz", "chart archive", {})
    assert err.value.code is Code.INVALID_REQUEST and "1024 bytes" in err.value.message


CREDENTIALS = {
    vendor.CREDENTIALS_HOST_ENV: "charts.example",
    vendor.USERNAME_ENV: "user",
    vendor.PASSWORD_ENV: "secret",
}


@pytest.mark.usefixtures("public_dns")
@pytest.mark.parametrize(
    ("url", "sent"),
    [
        ("https://charts.example/index.yaml", True),
        ("https://CHARTS.example/index.yaml", True),
        ("http://charts.example/index.yaml", False),  # never over plain HTTP
        ("https://other.example/index.yaml", False),  # never to another host
    ],
)
def test_credentials_go_only_over_https_to_the_configured_host(url: str, sent: bool) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("Authorization", ""))
        return httpx.Response(200, content=b"ok")

    with client(handler) as http:
        vendor.fetch(http, url, "index", CREDENTIALS)
    expected = "Basic " + base64.b64encode(b"user:secret").decode() if sent else ""
    assert seen == [expected]


def oci_registry(blob_location: str, blob: bytes) -> tuple[oci.Registry, str]:
    """A mock registry whose chart layer redirects to `blob_location`, which serves `blob`."""
    digest = oci.digest_of(blob)
    manifest = json.dumps(
        {"layers": [{"mediaType": vendor.HELM_CHART_LAYER, "digest": digest, "size": len(blob)}]}
    ).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/manifests/1.0.0"):
            return httpx.Response(200, content=manifest, headers={"Content-Type": oci.MANIFEST_TYPE})
        if request.url.path.endswith(f"/blobs/{digest}"):
            return httpx.Response(307, headers={"Location": blob_location})
        assert "Authorization" not in request.headers  # the CDN gets no registry credentials
        return httpx.Response(200, content=blob)

    registry = oci.Registry(
        "registry.example", credentials=("u", "p"), transport=httpx.MockTransport(handler)
    )
    return registry, digest


@pytest.mark.usefixtures("public_dns")
def test_an_oci_chart_layer_redirected_to_a_cdn_is_followed_without_credentials() -> None:
    registry, _digest = oci_registry("https://cdn.example/blob", b"chart-archive")
    with registry:
        pulled = vendor.pull_oci_chart(registry, "oci://registry.example/charts", "demo", "1.0.0", {})
    assert pulled.data == b"chart-archive"


@pytest.mark.usefixtures("public_dns")
def test_an_oci_chart_layer_redirected_to_a_private_host_is_refused() -> None:
    registry, _digest = oci_registry("http://internal.example/blob", b"chart-archive")
    with registry, pytest.raises(AicrError) as err:
        vendor.pull_oci_chart(registry, "oci://registry.example/charts", "demo", "1.0.0", {})
    assert err.value.code is Code.INVALID_REQUEST and "internal.example" in err.value.message
