"""Signed --data catalogs through the CLI: sign-catalog, verify-catalog, --require-signed-data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

V011 = Path(__file__).resolve().parent.parent / "fixtures" / "v011-catalog"
CRIT = ["--service", "eks", "--accelerator", "h100", "--intent", "training", "--os", "ubuntu"]


def aicr(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AICR_")}
    return subprocess.run(
        [sys.executable, "-m", "aicr.cli.main", *args], capture_output=True, text=True, env=env
    )


@pytest.fixture
def signed(tmp_path: Path) -> tuple[Path, Path]:
    """(a signed copy of the v0.11 catalog, the signer's public key)."""
    data = tmp_path / "data"
    shutil.copytree(V011, data)
    key = ed25519.Ed25519PrivateKey.generate()
    (tmp_path / "k.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (tmp_path / "k.pem").write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    result = aicr("recipe", "sign-catalog", "--data", str(data), "--signing-key", str(tmp_path / "k.key"))
    assert result.returncode == 0, result.stderr
    return data, tmp_path / "k.pem"


def test_verify_catalog_passes_then_fails_after_tampering(signed: tuple[Path, Path]) -> None:
    data, pub = signed
    ok = aicr("recipe", "verify-catalog", "--data", str(data), "--key", str(pub))
    assert ok.returncode == 0 and "verified" in ok.stdout
    (data / "registry.yaml").write_text((data / "registry.yaml").read_text() + "# changed\n")
    bad = aicr("recipe", "verify-catalog", "--data", str(data), "--key", str(pub))
    assert bad.returncode == 4 and "registry.yaml was changed" in bad.stderr


def test_require_signed_data_gates_recipe_and_bundle(signed: tuple[Path, Path], tmp_path: Path) -> None:
    data, pub = signed
    good = aicr(
        "recipe",
        *CRIT,
        "--data",
        str(data),
        "--require-signed-data",
        str(pub),
        "-o",
        str(tmp_path / "r.yaml"),
    )
    assert good.returncode == 0, good.stderr
    (data / "overlays" / "sneaky.yaml").write_text("kind: RecipeMetadata\n")
    refused = aicr("recipe", *CRIT, "--data", str(data), "--require-signed-data", str(pub))
    assert refused.returncode == 4 and "overlays/sneaky.yaml was added" in refused.stderr
    bundle = aicr("bundle", "-r", str(tmp_path / "r.yaml"), "--data", str(data), "--require-signed-data", str(pub),
                  "-o", str(tmp_path / "b"))  # fmt: skip
    assert bundle.returncode == 4 and not (tmp_path / "b").exists()


def test_require_signed_data_without_data_is_exit_2(signed: tuple[Path, Path]) -> None:
    _data, pub = signed
    result = aicr("recipe", *CRIT, "--require-signed-data", str(pub))
    assert result.returncode == 2 and "--require-signed-data needs --data" in result.stderr
