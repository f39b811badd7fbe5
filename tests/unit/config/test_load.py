"""AICRConfig loading: both apiVersions, strict fields at every depth, kind, cm://, URLs, size."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from aicr.config import load as config_load
from aicr.config.load import MAX_CONFIG_BYTES, load_config
from aicr.errors import AicrError, Code

FULL = """\
kind: AICRConfig
apiVersion: {api}
metadata:
  name: gke-h100
spec:
  snapshot:
    agent: {{namespace: gpu, nodeSelector: {{pool: gpu}}, requireGpu: true}}
    execution: {{timeout: 10m, privileged: false, maxNodesPerEntry: 3}}
  recipe:
    criteria: {{service: eks, accelerator: h100, intent: training, nodes: 4}}
    output: {{path: recipe.yaml, format: yaml}}
  bundle:
    input: {{recipe: recipe.yaml}}
    deployment: {{deployer: argocd, set: ["gpuoperator:driver.enabled=false"]}}
    registry: {{insecureTLS: true, plainHTTP: true}}
  validate:
    execution: {{phases: [deployment], failOnError: false}}
  verify:
    policy: {{minTrustLevel: attested}}
    trust: {{trustRoot: keys/}}
"""


def _write(tmp_path: Path, text: str, name: str = "config.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _error(source: str) -> AicrError:
    with pytest.raises(AicrError) as err:
        load_config(source)
    return err.value


@pytest.mark.parametrize("api", ["aicr.run/v1alpha2", "aicr.run/v1beta1"])
def test_both_api_versions_decode_every_section(tmp_path: Path, api: str) -> None:
    config = load_config(_write(tmp_path, FULL.format(api=api)))
    assert config.api_version == api
    assert config.spec.snapshot and config.spec.snapshot.execution
    assert config.spec.snapshot.execution.privileged is False
    assert config.spec.recipe and config.spec.recipe.criteria and config.spec.recipe.criteria.nodes == 4
    assert config.spec.bundle and config.spec.bundle.registry and config.spec.bundle.registry.plain_http
    assert config.spec.verify and config.spec.verify.trust and config.spec.verify.trust.trust_root == "keys/"


def test_json_file_is_read_as_json(tmp_path: Path) -> None:
    doc = {"kind": "AICRConfig", "apiVersion": "aicr.run/v1beta1", "spec": {"recipe": {"data": "./d"}}}
    config = load_config(_write(tmp_path, json.dumps(doc), "c.json"))
    assert config.spec.recipe and config.spec.recipe.data == "./d"


def test_yaml_in_a_json_named_file_is_refused(tmp_path: Path) -> None:
    err = _error(_write(tmp_path, "kind: AICRConfig\n", "c.json"))
    assert err.code is Code.INVALID_REQUEST and "not valid JSON" in err.message


def test_unknown_field_deep_in_a_section_names_its_full_path(tmp_path: Path) -> None:
    text = FULL.format(api="aicr.run/v1beta1").replace("deployer: argocd", "deployr: argocd")
    err = _error(_write(tmp_path, text))
    assert err.code is Code.INVALID_REQUEST
    assert "spec.bundle.deployment.deployr: unknown field" in err.message


def test_unknown_section_is_refused(tmp_path: Path) -> None:
    err = _error(_write(tmp_path, "kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  bundel: {}\n"))
    assert "spec.bundel: unknown field" in err.message


def test_wrong_type_names_the_field(tmp_path: Path) -> None:
    text = "kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  recipe:\n    criteria: {nodes: four}\n"
    err = _error(_write(tmp_path, text))
    assert err.code is Code.INVALID_REQUEST and "spec.recipe.criteria.nodes: expected `int`" in err.message


def test_identity_token_is_not_a_config_field(tmp_path: Path) -> None:
    text = "kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  bundle:\n    attestation: {identityToken: t}\n"
    assert "spec.bundle.attestation.identityToken: unknown field" in _error(_write(tmp_path, text)).message


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("kind: RecipeCriteria\napiVersion: aicr.run/v1beta1\n", 'kind must be "AICRConfig"'),
        ("apiVersion: aicr.run/v1beta1\n", 'kind must be "AICRConfig", got ""'),
        ("kind: AICRConfig\napiVersion: aicr.run/v1\n", 'unsupported apiVersion "aicr.run/v1"'),
        ("kind: AICRConfig\n", 'unsupported apiVersion ""'),
    ],
)
def test_wrong_kind_or_api_version_is_refused(tmp_path: Path, header: str, expected: str) -> None:
    err = _error(_write(tmp_path, header + "spec:\n  recipe: {data: d}\n"))
    assert err.code is Code.INVALID_REQUEST and expected in err.message


def test_a_config_without_sections_is_refused(tmp_path: Path) -> None:
    err = _error(_write(tmp_path, "kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec: {}\n"))
    assert "spec needs at least one of" in err.message


def test_criteria_and_input_snapshot_are_exclusive(tmp_path: Path) -> None:
    text = (
        "kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  recipe:\n"
        "    criteria: {service: eks}\n    input: {snapshot: snap.yaml}\n"
    )
    assert "mutually exclusive" in _error(_write(tmp_path, text)).message


def test_bundle_input_must_match_recipe_output(tmp_path: Path) -> None:
    text = (
        "kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  recipe:\n    output: {path: a.yaml}\n"
        "  bundle:\n    input: {recipe: b.yaml}\n"
    )
    assert "must equal spec.recipe.output.path" in _error(_write(tmp_path, text)).message


def test_bad_min_trust_level_names_its_path(tmp_path: Path) -> None:
    text = "kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n  verify:\n    policy: {minTrustLevel: high}\n"
    assert 'invalid spec.verify.policy.minTrustLevel "high"' in _error(_write(tmp_path, text)).message


def test_configmap_source_is_refused_with_a_way_out() -> None:
    err = _error("cm://default/aicr-config")
    assert err.code is Code.INVALID_REQUEST and "cm://" in err.message and "kubectl" in err.message


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    assert _error(str(tmp_path / "none.yaml")).code is Code.NOT_FOUND


def test_oversize_file_is_refused(tmp_path: Path) -> None:
    text = FULL.format(api="aicr.run/v1beta1") + "#" * MAX_CONFIG_BYTES
    err = _error(_write(tmp_path, text))
    assert err.code is Code.INVALID_REQUEST and "larger than the limit" in err.message


BODY = FULL.format(api="aicr.run/v1beta1").encode()


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        routes = {
            "/config.yaml": (200, BODY),
            "/big.yaml": (200, BODY + b"#" * MAX_CONFIG_BYTES),
        }
        if self.path.startswith("/hop/"):
            left = int(self.path.rsplit("/", 1)[1])
            self.send_response(302)
            self.send_header("Location", f"/hop/{left - 1}" if left else "/config.yaml")
            self.end_headers()
            return
        if self.path in ("/to-file", "/to-ftp"):
            self.send_response(302)
            self.send_header(
                "Location", "file:///etc/passwd" if self.path == "/to-file" else "ftp://h/c.yaml"
            )
            self.end_headers()
            return
        status, body = routes.get(self.path, (404, b""))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_config_is_fetched_from_an_http_url(server: str) -> None:
    config = load_config(f"{server}/config.yaml")
    assert config.spec.bundle and config.spec.bundle.deployment
    assert config.spec.bundle.deployment.deployer == "argocd"


def test_missing_url_is_not_found(server: str) -> None:
    assert _error(f"{server}/nope.yaml").code is Code.NOT_FOUND


def test_oversize_url_body_is_refused(server: str) -> None:
    err = _error(f"{server}/big.yaml")
    assert err.code is Code.INVALID_REQUEST and "larger than the limit" in err.message


def test_a_few_redirects_are_followed(server: str) -> None:
    assert load_config(f"{server}/hop/{config_load.MAX_REDIRECTS - 1}").spec.verify is not None


def test_too_many_redirects_fail(server: str) -> None:
    err = _error(f"{server}/hop/{config_load.MAX_REDIRECTS + 2}")
    assert err.code is Code.UNAVAILABLE and "redirect not followed" in err.message


def test_redirect_to_an_ftp_location_is_refused(server: str) -> None:
    err = _error(f"{server}/to-ftp")
    assert err.code is Code.INVALID_REQUEST and "non-http(s)" in err.message


def test_redirect_to_a_local_file_is_not_followed(server: str) -> None:
    err = _error(f"{server}/to-file")
    assert err.code is Code.UNAVAILABLE and "redirect not followed" in err.message
