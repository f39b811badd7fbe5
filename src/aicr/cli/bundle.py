"""`aicr bundle`: turn a recipe into Helm / Helmfile / Argo CD / Argo CD Helm / Flux / Fleet artifacts.

Translation only: parse the flags (reference/bundle.md §1), load the recipe and catalog, call
`aicr.bundle.api.build_bundle`, print the summary on stdout. `FAST_SPEC` lets the dispatcher
read the common command lines without argparse (aicr.cli.fastpath); anything else goes through
the argparse parser `register` builds.
"""

from __future__ import annotations

from aicr.cli.fastpath import FastSpec
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

# Flags of the reference surface this build does not implement yet: given -> exit 2.
_NOT_YET = {
    "readiness_hooks": "--readiness-hooks",
    "dra_eviction_node_label": "--dra-eviction-node-label",
}
_REPEATABLE = (
    ("--set", "component:path=value (repeatable; typed like the value it replaces; enabled=false drops it)"),
    ("--set-string", "component:path=value, always a string"),
    ("--set-json", "component:path=<JSON> (objects deep-merge, lists and scalars replace)"),
    ("--set-file", "component:path=<YAML or JSON file>"),
    ("--dynamic", "component:path left for install time (cluster-values.yaml; not with argocd)"),
    ("--system-node-selector", "key=value for system components"),
    ("--system-node-toleration", "key=value:effect or key:effect for system components"),
    ("--accelerated-node-selector", "key=value for GPU components"),
    ("--accelerated-node-toleration", "key=value:effect or key:effect for GPU components"),
    ("--workload-selector", "key=value of workloads node tuning must not evict"),
)
DEFAULT_OUTPUT = "./bundle"

_SINGLE = (
    ("--repo", "Git URL of the repository the bundle is pushed to (argocd, flux, fleet)"),
    (
        "--repo-path",
        "directory of the repository the bundle is pushed to (default: its root; argocd, flux, fleet)",
    ),
    ("--app-name", "parent Application name (argocd: nvidia-stack, argocd-helm: aicr-stack, fleet: aicr)"),
    ("--flux-namespace", "namespace of the Flux resources (default flux-system)"),
    ("--fleet-mode", "Fleet output: gitrepo (fleet.yaml per folder + GitRepo, default) or helmop"),
    ("--fleet-namespace", "Fleet workspace of the GitRepo/HelmOps (default fleet-default)"),
    ("--flux-oci-source-name", "OCIRepository name for OCI output (flux)"),
    ("--workload-gate", "taint key[=value]:effect that gates workloads until nodes are tuned"),
    ("--nodes", "number of GPU nodes (0 = unset)"),
    ("--storage-class", "StorageClass for components that create PVCs"),
    ("--certificate-identity-regexp", "identity pattern for attestation (needs --attest)"),
    ("--signing-key", "PEM private key that signs the attestation (with --attest; offline)"),
    ("--require-signed-data", "refuse a --data catalog not signed by this PEM public key"),
    ("--identity-token", "OIDC identity token for keyless signing with --attest (env COSIGN_IDENTITY_TOKEN)"),
    ("--fulcio-url", "Fulcio URL for keyless signing (env AICR_FULCIO_URL; default: public good)"),
    ("--rekor-url", "Rekor URL for keyless signing (env AICR_REKOR_URL; default: public good)"),
    ("--signing-config", "Sigstore signing config or client trust config JSON (env AICR_SIGNING_CONFIG)"),
    ("--tlog-upload", "true|false: keyless signatures are always logged in Rekor; key signatures never"),
    ("--config", "AICRConfig file or http(s) URL (spec.bundle); flags and env vars beat its values"),
    ("--image-refs", "file that receives the pushed reference with its digest (with -o oci://)"),
    (
        "--shared-storage-class",
        "ReadWriteMany StorageClass for shared volumes (the registry's sharedStorageClassPaths, e.g. Slurm's shared home)",
    ),
    ("--dra-eviction-node-label", "DRA eviction node label (not supported yet)"),
)
_SWITCHES = (
    ("--serial", "install strictly one release at a time"),
    ("--force", "write into a non-empty directory that is not an earlier bundle (its files are kept)"),
    ("--attest", "sign the bundle: attestation/bundle-attestation.sigstore.json (--signing-key or keyless)"),
    ("--oidc-device-flow", "keyless: get the identity token interactively (env AICR_OIDC_DEVICE_FLOW)"),
    ("--sbom", "write sbom.cdx.json, a CycloneDX SBOM of the bundle's components"),
    ("--vendor-charts", "pull every Helm chart into the bundle (charts/<chart>-<ver>.tgz + provenance.yaml)"),
    ("--readiness-hooks", "add readiness gate charts (not supported yet)"),
    ("--insecure-tls", "skip TLS verification for OCI output (-o oci://)"),
    ("--plain-http", "plain HTTP for OCI output (-o oci://, test registries)"),
)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the `bundle` subcommand."""
    from aicr.cli.flags import Once, OnceTrue, add_data, add_kubeconfig

    parser = sub.add_parser(
        "bundle",
        parents=[common],
        help="generate deployment artifacts from a recipe",
        description="Bundle a recipe into Helm, Helmfile, Argo CD, Argo CD Helm, Flux or Fleet artifacts.",
    )
    parser.add_argument(
        "-r", "--recipe", action=Once, metavar="URI", help="recipe file, http(s) URL or cm://ns/name"
    )
    parser.add_argument(
        "-o",
        "--output",
        action=Once,
        default=DEFAULT_OUTPUT,
        metavar="DIR",
        help=f"output directory (default: {DEFAULT_OUTPUT}), or oci://host[:port]/repo[:tag] to push",
    )
    parser.add_argument(
        "-d",
        "--deployer",
        action=Once,
        default="helm",
        metavar="NAME",
        help="helm (default), helmfile, argocd, argocd-helm, flux or fleet",
    )
    for flag, text in _REPEATABLE:
        parser.add_argument(flag, action="append", default=[], metavar="VALUE", help=text)
    for flag, text in _SINGLE:
        parser.add_argument(flag, action=Once, metavar="VALUE", help=text)
    for flag, text in _SWITCHES:
        parser.add_argument(flag, action=OnceTrue, help=text)
    add_data(parser)
    add_kubeconfig(parser)
    parser.set_defaults(_run=run)


# Short and long spellings -> destination for the argparse-free reader (mirrors `register`).
_VALUE_FLAGS: dict[str, str] = {
    "-r": "recipe", "--recipe": "recipe", "-o": "output", "--output": "output", "-d": "deployer",
    "--deployer": "deployer", "--data": "data", "-k": "kubeconfig", "--kubeconfig": "kubeconfig",
    **{flag: flag[2:].replace("-", "_") for flag, _text in _SINGLE},
}  # fmt: skip
_LIST_FLAGS = {flag: flag[2:].replace("-", "_") for flag, _text in _REPEATABLE}
_BOOL_FLAGS = {flag: flag[2:].replace("-", "_") for flag, _text in _SWITCHES}


def _defaults() -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(_VALUE_FLAGS.values())
    values.update({dest: [] for dest in _LIST_FLAGS.values()})
    values.update(dict.fromkeys(_BOOL_FLAGS.values(), False))
    values.update(output=DEFAULT_OUTPUT, deployer="helm")
    return values


FAST_SPEC = FastSpec(
    "bundle",
    values=_VALUE_FLAGS,
    repeated=_LIST_FLAGS,
    booleans=_BOOL_FLAGS,
    defaults=_defaults,
    extra=lambda: {"_run": run},
)


def _check_output(output: str) -> None:
    if output.startswith("oci://"):
        from aicr.io.oci import OciRef

        OciRef.parse(output)


def supply_chain(args: Any) -> Any:
    """The SBOM / signing / OCI settings of the flags (INVALID_REQUEST for inconsistent ones)."""
    from aicr.bundle.publish import SupplyChain

    oci = args.output.startswith("oci://")
    keyless = keyless_settings(args)
    for flag, value in (("--image-refs", args.image_refs), ("--plain-http", args.plain_http),
                        ("--insecure-tls", args.insecure_tls)):  # fmt: skip
        if value and not oci:
            raise AicrError(Code.INVALID_REQUEST, f"{flag} is only valid with -o oci://host/repo[:tag]")
    return SupplyChain(
        sbom=bool(args.sbom),
        signing_key=args.signing_key or "",
        keyless=keyless,
        plain_http=bool(args.plain_http),
        insecure_tls=bool(args.insecure_tls),
        image_refs=args.image_refs or "",
    )


_ENV = {
    "identity_token": "COSIGN_IDENTITY_TOKEN",
    "fulcio_url": "AICR_FULCIO_URL",
    "rekor_url": "AICR_REKOR_URL",
    "signing_config": "AICR_SIGNING_CONFIG",
}
_KEYLESS_FLAGS = "--identity-token, --oidc-device-flow, --fulcio-url, --rekor-url, --signing-config"


def keyless_settings(args: Any) -> Any:
    """The keyless signing settings (None when signing with a key or not at all); flags beat env."""
    import os

    values = {dest: getattr(args, dest) or os.environ.get(env, "") for dest, env in _ENV.items()}
    device = bool(args.oidc_device_flow) or os.environ.get("AICR_OIDC_DEVICE_FLOW", "").lower() in (
        "1", "true", "yes",
    )  # fmt: skip
    explicit = any(getattr(args, dest) for dest in _ENV) or bool(args.oidc_device_flow)
    tlog = _tlog_upload(args.tlog_upload)
    if args.signing_key and not args.attest:
        raise AicrError(Code.INVALID_REQUEST, "--signing-key needs --attest")
    if not args.attest:
        if explicit or tlog is not None:
            raise AicrError(Code.INVALID_REQUEST, f"{_KEYLESS_FLAGS} and --tlog-upload need --attest")
        return None
    if args.signing_key:
        if explicit:
            raise AicrError(Code.INVALID_REQUEST, f"--signing-key cannot be combined with {_KEYLESS_FLAGS}")
        if tlog:
            raise AicrError(
                Code.INVALID_REQUEST,
                "--tlog-upload=true: key signatures are made offline and never logged in Rekor",
            )
        return None
    if tlog is False:
        raise AicrError(
            Code.INVALID_REQUEST,
            "--tlog-upload=false: keyless signatures are always logged in Rekor (sigstore-python)",
        )
    return _keyless(values, device)


def _tlog_upload(value: str | None) -> bool | None:
    if value is None:
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise AicrError(Code.INVALID_REQUEST, f'--tlog-upload "{value}": must be true or false')


def _keyless(values: dict[str, str], device: bool) -> Any:
    from aicr.bundle.keyless import KeylessSettings, ambient_token

    token = values["identity_token"] or ("" if device else ambient_token())
    if not token and not device:
        raise AicrError(
            Code.INVALID_REQUEST,
            "--attest needs a signer: --signing-key FILE (a PEM private key), or keyless with "
            "--identity-token TOKEN (env COSIGN_IDENTITY_TOKEN) or --oidc-device-flow",
        )
    return KeylessSettings(
        identity_token=token,
        device_flow=device,
        fulcio_url=values["fulcio_url"],
        rekor_url=values["rekor_url"],
        signing_config=values["signing_config"],
    )


def _check_unsupported(args: Any) -> None:
    pattern = args.certificate_identity_regexp
    if (
        pattern is not None
        and "://github.com/NVIDIA/aicr/" not in pattern
        and r"://github\.com/NVIDIA/aicr/" not in pattern
    ):
        raise AicrError(
            Code.INVALID_REQUEST,
            f'--certificate-identity-regexp "{pattern}" must contain "://github.com/NVIDIA/aicr/"',
        )
    for dest, flag in _NOT_YET.items():
        value = getattr(args, dest)
        if value not in (None, False, ""):
            raise AicrError(Code.INVALID_REQUEST, f"{flag} is not supported yet")
    if pattern is not None:
        raise AicrError(
            Code.INVALID_REQUEST,
            "--certificate-identity-regexp (the aicr binary's attestation identity) is not supported yet",
        )


def options_from_args(args: Any, deployer: str) -> dict[str, Any]:
    """Library options (aicr.build_bundle) from the parsed flags."""
    options: dict[str, Any] = {
        "set": args.set,
        "set_string": args.set_string,
        "set_json": args.set_json,
        "set_file": args.set_file,
        "dynamic": args.dynamic,
        "system_node_selector": args.system_node_selector,
        "system_node_toleration": args.system_node_toleration,
        "accelerated_node_selector": args.accelerated_node_selector,
        "accelerated_node_toleration": args.accelerated_node_toleration,
        "workload_selector": args.workload_selector,
        "serial": bool(args.serial),
        "vendor_charts": bool(args.vendor_charts),
    }
    for dest in (
        "workload_gate",
        "nodes",
        "storage_class",
        "shared_storage_class",
        "app_name",
        "flux_namespace",
        "fleet_mode",
        "fleet_namespace",
        "data",
    ):
        value = getattr(args, dest)
        if value is not None:
            options[dest] = value
    if args.repo is not None:
        if deployer not in ("argocd", "argocd-helm", "flux", "fleet"):
            raise AicrError(
                Code.INVALID_REQUEST,
                "--repo is only valid with --deployer argocd, argocd-helm, flux or fleet",
            )
        options["repo"] = args.repo
    if args.repo_path is not None:
        if deployer not in ("argocd", "argocd-helm", "flux", "fleet"):
            raise AicrError(
                Code.INVALID_REQUEST,
                "--repo-path is only valid with --deployer argocd, argocd-helm, flux or fleet",
            )
        options["repo_path"] = args.repo_path
    if args.flux_oci_source_name is not None and deployer != "flux":
        raise AicrError(Code.INVALID_REQUEST, "--flux-oci-source-name is only valid with --deployer flux")
    return options


def run(args: Any) -> int:
    """Bundle the recipe and print the summary."""

    from aicr.bundle.api import build_bundle
    from aicr.bundle.options import parse_deployer
    from aicr.catalog.catalog import load_catalog
    from aicr.recipe.document import load_recipe

    deployer = parse_deployer(args.deployer)
    _check_output(args.output)
    _check_unsupported(args)
    options = options_from_args(args, deployer)
    if not args.recipe:
        raise AicrError(
            Code.INVALID_REQUEST, "--recipe is required (or set spec.bundle.input.recipe in --config)"
        )
    recipe = load_recipe(args.recipe, kubeconfig=args.kubeconfig)
    if args.require_signed_data:  # the module only on that path
        from aicr.cli.recipe_catalog import check_signed_data

        check_signed_data(args.data, args.require_signed_data)
    catalog = load_catalog(data=args.data)
    chain = supply_chain(args)
    result = build_bundle(
        recipe,
        args.output,
        deployer=deployer,
        catalog=catalog,
        options=options,
        force=bool(args.force),
        chain=chain,
    )
    from aicr import logs

    logs.summary(result.summary())
    return 0
