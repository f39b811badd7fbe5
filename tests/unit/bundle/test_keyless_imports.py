"""sigstore-python is loaded only for keyless work: key signing and key verification never import it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

import aicr

FIXTURE_CATALOG = Path(__file__).resolve().parent.parent.parent / "fixtures" / "bundle-catalog"
PROBE = """
import sys
from aicr.cli.main import main
recipe, out, data, key, pub = sys.argv[1:]
codes = [main(["bundle", "-r", recipe, "-o", out, "--data", data, "--attest", "--signing-key", key]),
         main(["verify", out, "--key", pub, "--min-trust-level", "attested"])]
import json
sys.stdout.write("\\n" + json.dumps({"codes": codes, "modules": sorted(sys.modules)}))
"""


def test_key_signing_and_verifying_do_not_import_sigstore(tmp_path: Path) -> None:
    catalog = aicr.load_catalog(root=str(FIXTURE_CATALOG))
    recipe = tmp_path / "r.yaml"
    recipe.write_text(catalog.resolve(aicr.Criteria(service="eks", intent="training")).to_yaml())
    key = ec.generate_private_key(ec.SECP256R1())
    private, public = tmp_path / "k.key", tmp_path / "k.pem"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    args = [str(recipe), str(tmp_path / "out"), str(FIXTURE_CATALOG), str(private), str(public)]
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120, check=False
    )
    data = json.loads(proc.stdout.rsplit("\n", 1)[-1])
    assert data["codes"] == [0, 0], proc.stderr
    assert not {m.split(".")[0] for m in data["modules"]} & {"sigstore", "sigstore_models", "requests", "id"}
