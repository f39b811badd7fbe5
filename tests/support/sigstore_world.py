"""An offline Sigstore world for tests: a Fulcio-like CA, a CT log, a Rekor-like log, and their HTTP faces.

Built with `cryptography` only, so keyless signing and verification run with no network:
- `SigstoreWorld` holds a root CA and an intermediate (as Fulcio's chain), a CT log key that
  signs the SCT embedded in each leaf (a precertificate SCT, RFC 6962 §3.2), and a Rekor log
  key that signs the checkpoint and the signed entry timestamp of each entry (a one-leaf Merkle
  tree per entry: the root hash is the leaf hash, the inclusion proof is empty).
- `trusted_root()` is the Sigstore trusted_root.json naming those keys; `client_trust_config()`
  adds a signing config that points sigstore-python at a `FakeSigstoreServer`.
- `FakeSigstoreServer` answers Fulcio `POST /api/v2/signingCert` (a leaf for the CSR's key, the
  identity from the token's `email` or `sub` claim), Rekor `POST /api/v1/log/entries` (a dsse
  v0.0.1 entry for the proposed envelope) and an OIDC issuer under `/oidc` (discovery document
  and a token endpoint that trades `oidc_code` for a token), and records every request it gets.
- `keyless_bundle()` signs a statement directly (no HTTP) for verification tests, with knobs for
  the identity, the issuer, the chain and the times.
Facts: Fulcio's certificate profile (sigstore/fulcio docs/certificate-specification.md), the
Rekor v1 entry response, and sigstore-python 4.5's verifier.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ISSUER = "https://oidc.example.test"
SCT_OID = x509.ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2")
ISSUER_V1 = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.1")
ISSUER_V2 = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.8")
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _spki(key: Any) -> bytes:
    return bytes(
        key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def _key_id(key: Any) -> bytes:
    return hashlib.sha256(_spki(key)).digest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _stamp(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _der_utf8(text: str) -> bytes:
    body = text.encode()
    assert len(body) < 128
    return bytes([0x0C, len(body)]) + body


def _der_octets(body: bytes) -> bytes:
    if len(body) < 128:
        return bytes([0x04, len(body)]) + body
    size = len(body).to_bytes((len(body).bit_length() + 7) // 8, "big")
    return bytes([0x04, 0x80 | len(size)]) + size + body


def identity_token(identity: str, issuer: str = ISSUER, *, lifetime: int = 600) -> str:
    """An OIDC-shaped JWT (HS256 with a dummy key; Fulcio here does not check it)."""
    import jwt

    now = int(dt.datetime.now(dt.UTC).timestamp())
    claims = {"iss": issuer, "aud": "sigstore", "sub": identity, "email": identity, "iat": now,
              "nbf": now - 60, "exp": now + lifetime}  # fmt: skip
    return str(jwt.encode(claims, "not-a-secret-but-long-enough-for-hs256", algorithm="HS256"))


class SigstoreWorld:
    """The CA, CT and Rekor keys of a private Sigstore deployment."""

    def __init__(self, start: dt.datetime = EPOCH) -> None:
        self.start = start
        self.root_key = ec.generate_private_key(ec.SECP384R1())
        self.root = self._ca("aicr-test-root", self.root_key, self.root_key, None, path_length=1)
        self.inter_key = ec.generate_private_key(ec.SECP384R1())
        self.intermediate = self._ca("aicr-test-intermediate", self.inter_key, self.root_key, self.root, 0)
        self.ct_key = ec.generate_private_key(ec.SECP256R1())
        self.rekor_key = ec.generate_private_key(ec.SECP256R1())
        self.log_index = 0

    def _ca(
        self, name: str, key: Any, signer: Any, parent: x509.Certificate | None, path_length: int
    ) -> x509.Certificate:
        subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "aicr.test"),
                             x509.NameAttribute(NameOID.COMMON_NAME, name)])  # fmt: skip
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        aki = (
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key())
            if parent is not None
            else x509.AuthorityKeyIdentifier(ski.digest, None, None)
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(parent.subject if parent is not None else subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.start - dt.timedelta(days=1))
            .not_valid_after(self.start + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
            )
            .add_extension(ski, critical=False)
            .add_extension(aki, critical=False)
        )
        if parent is not None:
            builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), False)
        return builder.sign(signer, hashes.SHA384())

    # -- certificates -------------------------------------------------------------------------

    def issue_leaf(
        self,
        public_key: Any,
        identity: str,
        *,
        issuer: str = ISSUER,
        not_before: dt.datetime | None = None,
        lifetime: dt.timedelta = dt.timedelta(minutes=10),
        ca_key: Any = None,
        ca_cert: x509.Certificate | None = None,
    ) -> x509.Certificate:
        """A Fulcio-profile leaf for `public_key` with an embedded SCT from this world's CT log."""
        ca_key = ca_key or self.inter_key
        ca_cert = ca_cert or self.intermediate
        start = not_before or dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        san: x509.GeneralName = (
            x509.UniformResourceIdentifier(identity) if "://" in identity else x509.RFC822Name(identity)
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([]))
            .issuer_name(ca_cert.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + lifetime)
            .add_extension(
                x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
            )
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False)
            .add_extension(x509.SubjectAlternativeName([san]), critical=True)
            .add_extension(x509.UnrecognizedExtension(ISSUER_V1, issuer.encode()), critical=False)
            .add_extension(x509.UnrecognizedExtension(ISSUER_V2, _der_utf8(issuer)), critical=False)
        )
        precert = builder.sign(ca_key, hashes.SHA256())
        sct = self._sct(precert.tbs_certificate_bytes, ca_key.public_key(), start)
        return builder.add_extension(x509.UnrecognizedExtension(SCT_OID, sct), critical=False).sign(
            ca_key, hashes.SHA256()
        )

    def _sct(self, tbs: bytes, issuer_key: Any, when: dt.datetime) -> bytes:
        """The DER value of the SCT-list extension: one v1 precert SCT signed by the CT key."""
        millis = int(when.timestamp() * 1000)
        entry = _key_id(issuer_key) + len(tbs).to_bytes(3, "big") + tbs
        signed = struct.pack("!BBQH", 0, 0, millis, 1) + entry + struct.pack("!H", 0)
        signature = self.ct_key.sign(signed, ec.ECDSA(hashes.SHA256()))
        sct = (
            bytes([0]) + _key_id(self.ct_key.public_key()) + struct.pack("!QH", millis, 0)
            + struct.pack("!BBH", 4, 3, len(signature)) + signature
        )  # fmt: skip
        listed = struct.pack("!H", len(sct)) + sct
        return _der_octets(struct.pack("!H", len(listed)) + listed)

    # -- the log --------------------------------------------------------------------------------

    def log_response(
        self, envelope: dict[str, Any], cert: x509.Certificate, integrated: int
    ) -> dict[str, Any]:
        """The Rekor v1 `POST /api/v1/log/entries` response for a dsse entry of `envelope`."""
        payload = base64.b64decode(envelope["payload"])
        pem = cert.public_bytes(serialization.Encoding.PEM)
        body = {
            "apiVersion": "0.0.1",
            "kind": "dsse",
            "spec": {
                "envelopeHash": {"algorithm": "sha256", "value": hashlib.sha256(
                    json.dumps(envelope, sort_keys=True).encode()).hexdigest()},
                "payloadHash": {"algorithm": "sha256", "value": hashlib.sha256(payload).hexdigest()},
                "signatures": [{"signature": s["sig"], "verifier": _b64(pem)} for s in envelope["signatures"]],
            },
        }  # fmt: skip
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        index, self.log_index = self.log_index, self.log_index + 1
        log_id = _key_id(self.rekor_key.public_key())
        root_hash = hashlib.sha256(b"\x00" + canonical).digest()
        note = f"rekor.aicr.test - 1\n1\n{_b64(root_hash)}\n"
        note_sig = self.rekor_key.sign(note.encode(), ec.ECDSA(hashes.SHA256()))
        checkpoint = note + "\n" + f"\u2014 rekor.aicr.test {_b64(log_id[:4] + note_sig)}\n"
        promise: dict[str, str | int] = {
            "body": _b64(canonical),
            "integratedTime": integrated,
            "logID": log_id.hex(),
            "logIndex": index,
        }
        import rfc8785

        set_sig = self.rekor_key.sign(rfc8785.dumps(promise), ec.ECDSA(hashes.SHA256()))
        entry: dict[str, Any] = dict(promise)
        entry["verification"] = {
            "inclusionProof": {"checkpoint": checkpoint, "hashes": [], "logIndex": 0,
                               "rootHash": root_hash.hex(), "treeSize": 1},
            "signedEntryTimestamp": _b64(set_sig),
        }  # fmt: skip
        return {hashlib.sha256(canonical).hexdigest(): entry}

    # -- documents ------------------------------------------------------------------------------

    def trusted_root(self) -> dict[str, Any]:
        """The Sigstore trusted_root.json of this world."""
        valid = {"start": _stamp(self.start - dt.timedelta(days=1))}

        def log(key: Any, url: str) -> dict[str, Any]:
            return {"baseUrl": url, "hashAlgorithm": "SHA2_256",
                    "publicKey": {"rawBytes": _b64(_spki(key.public_key())), "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                                  "validFor": valid},
                    "logId": {"keyId": _b64(_key_id(key.public_key()))}}  # fmt: skip

        chain = [self.intermediate, self.root]
        return {
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [log(self.rekor_key, "https://rekor.aicr.test")],
            "certificateAuthorities": [{
                "subject": {"organization": "aicr.test", "commonName": "aicr-test-root"},
                "uri": "https://fulcio.aicr.test",
                "certChain": {"certificates": [{"rawBytes": _b64(c.public_bytes(serialization.Encoding.DER))}
                                               for c in chain]},
                "validFor": valid,
            }],
            "ctlogs": [log(self.ct_key, "https://ctfe.aicr.test")],
            "timestampAuthorities": [],
        }  # fmt: skip

    def client_trust_config(self, url: str) -> dict[str, Any]:
        """A sigstore client trust config: this world's root and a signing config naming `url`."""
        valid = {"start": _stamp(self.start - dt.timedelta(days=1))}

        def service(path: str = "") -> list[dict[str, Any]]:
            return [{"url": url + path, "majorApiVersion": 1, "validFor": valid, "operator": "aicr.test"}]

        return {
            "mediaType": "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json",
            "trustedRoot": self.trusted_root(),
            "signingConfig": {
                "mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
                "caUrls": service(), "oidcUrls": service("/oidc"), "rekorTlogUrls": service(),
                "tsaUrls": [], "rekorTlogConfig": {"selector": "ANY"}, "tsaConfig": {"selector": "ANY"},
            },
        }  # fmt: skip

    def keyless_bundle(
        self,
        statement: dict[str, Any],
        identity: str,
        *,
        issuer: str = ISSUER,
        integrated: dt.datetime | None = None,
        not_before: dt.datetime | None = None,
        ca_key: Any = None,
        ca_cert: x509.Certificate | None = None,
    ) -> str:
        """A keyless Sigstore bundle (JSON) for `statement`, made without HTTP."""
        from sigstore import dsse
        from sigstore.models import Bundle, TransparencyLogEntry

        key = ec.generate_private_key(ec.SECP256R1())
        cert = self.issue_leaf(key.public_key(), identity, issuer=issuer, not_before=not_before,
                               ca_key=ca_key, ca_cert=ca_cert)  # fmt: skip
        payload = json.dumps(statement, sort_keys=True, separators=(",", ":")).encode()
        envelope = dsse._sign(key, dsse.Statement(payload))
        when = integrated or dt.datetime.now(dt.UTC)
        response = self.log_response(json.loads(envelope.to_json()), cert, int(when.timestamp()))
        entry = TransparencyLogEntry._from_v1_response(response)
        return str(Bundle._from_parts(cert, envelope, entry).to_json())


class FakeSigstoreServer:
    """Fulcio and Rekor endpoints of a `SigstoreWorld` on a loopback port; records requests."""

    def __init__(self, world: SigstoreWorld) -> None:
        self.world = world
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        self.fail_fulcio = 0  # an HTTP status to answer Fulcio with, when set
        self.fail_rekor = 0  # an HTTP status to answer Rekor with, when set
        self.oidc_code = "code-from-the-browser"  # what the OIDC token endpoint accepts
        self.oidc_identity = "device@aicr.example"
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeSigstoreServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                if self.path == "/oidc/.well-known/openid-configuration":
                    self._reply(200, {"authorization_endpoint": f"{server.url}/oidc/auth",
                                      "token_endpoint": f"{server.url}/oidc/token"})  # fmt: skip
                else:
                    self._reply(404, {"message": f"no route {self.path}"})

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                    body: dict[str, Any] = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                else:
                    body = json.loads(raw or b"{}")
                server.requests.append((self.path, dict(self.headers.items()), body))
                self._reply(*server.answer(self.path, dict(self.headers.items()), body))

            def _reply(self, status: int, answer: Any) -> None:
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def answer(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> tuple[int, Any]:
        """(status, JSON) for one request."""
        if path == "/api/v2/signingCert":
            if self.fail_fulcio:
                return self.fail_fulcio, {"message": "fulcio says no"}
            return self._fulcio(headers, body)
        if path == "/oidc/token":
            if body.get("code") != self.oidc_code or body.get("grant_type") != "authorization_code":
                return 400, {"error": "invalid_grant"}
            return 200, {"access_token": identity_token(self.oidc_identity), "token_type": "bearer"}
        if path == "/api/v1/log/entries":
            if self.fail_rekor:
                return self.fail_rekor, {"message": "rekor is down"}
            envelope = json.loads(body["spec"]["proposedContent"]["envelope"])
            pem = base64.b64decode(body["spec"]["proposedContent"]["verifiers"][0])
            cert = x509.load_pem_x509_certificate(pem)
            now = int(dt.datetime.now(dt.UTC).timestamp())
            return 201, self.world.log_response(envelope, cert, now)
        return 404, {"message": f"no route {path}"}

    def _fulcio(self, headers: dict[str, str], body: dict[str, Any]) -> tuple[int, Any]:
        import jwt

        token = headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return 401, {"message": "bad token"}
        csr = x509.load_pem_x509_csr(base64.b64decode(body["certificateSigningRequest"]))
        if not csr.is_signature_valid:
            return 400, {"message": "bad proof of possession"}
        leaf = self.world.issue_leaf(
            csr.public_key(), claims.get("email") or claims["sub"], issuer=claims["iss"]
        )
        chain = [c.public_bytes(serialization.Encoding.PEM).decode()
                 for c in (leaf, self.world.intermediate, self.world.root)]  # fmt: skip
        return 201, {"signedCertificateEmbeddedSct": {"chain": {"certificates": chain}}}
