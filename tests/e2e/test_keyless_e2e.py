"""Keyless signing and verification through the real CLI process, against a local fake Sigstore."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.sigstore_world import ISSUER, FakeSigstoreServer, SigstoreWorld, identity_token

import aicr as lib

FIXTURE_CATALOG = Path(__file__).resolve().parent.parent / "fixtures" / "bundle-catalog"
_CLEARED = ("AICR_", "COSIGN_", "ACTIONS_ID_TOKEN_")


def aicr(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(_CLEARED)}
    return subprocess.run(
        [sys.executable, "-m", "aicr.cli.main", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
    )


def test_keyless_sign_from_the_environment_then_verify(tmp_path: Path) -> None:
    catalog = lib.load_catalog(root=str(FIXTURE_CATALOG))
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(catalog.resolve(lib.Criteria(service="eks", intent="training")).to_yaml())
    world = SigstoreWorld()
    root = tmp_path / "trusted_root.json"
    root.write_text(json.dumps(world.trusted_root()))
    with FakeSigstoreServer(world) as server:
        config = tmp_path / "trust-config.json"
        config.write_text(json.dumps(world.client_trust_config(server.url)))
        env = {"COSIGN_IDENTITY_TOKEN": identity_token("ci@aicr.example"), "AICR_SIGNING_CONFIG": str(config)}
        out = tmp_path / "bundle"
        signed = aicr(
            "bundle", "-r", str(recipe), "--data", str(FIXTURE_CATALOG), "-o", str(out), "--attest", env=env
        )
    assert signed.returncode == 0, signed.stderr
    verified = aicr(
        "verify", str(out), "--trust-root", str(root), "--certificate-identity-regexp", r"^ci@aicr\.example$",
        "--certificate-oidc-issuer", ISSUER, "--require-creator", "ci@aicr.example", "--min-trust-level", "verified",
    )  # fmt: skip
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Trust level: verified" in verified.stdout
