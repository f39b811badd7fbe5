"""Examples shown at the end of each command's `--help` (`aicr <command> --help`).

Pure data. Each line must parse with that command's parser; a test checks every one.
"""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "recipe": (
        "aicr recipe --service eks --accelerator h100 --intent training --os ubuntu --platform kubeflow",
        "aicr recipe --snapshot snapshot.yaml --intent training -o cm://aicr/recipe",
        "aicr recipe --service eks --accelerator h100 --intent training --os ubuntu --explain",
        "aicr recipe --config aicr-config.yaml -o recipe.yaml",
    ),
    "query": (
        "aicr query --service eks --accelerator h100 --intent training --os ubuntu "
        "--selector components.gpu-operator.values.driver.version",
        "aicr query --service eks --accelerator h100 --intent training --os ubuntu --selector . -t json",
    ),
    "snapshot": (
        "aicr snapshot --local -o snapshot.yaml",
        "aicr snapshot -o cm://aicr/snapshot --namespace aicr --node-selector nvidia.com/gpu.present=true",
        "aicr snapshot --local -t table",
        "aicr snapshot --all-gpu-nodes --max-parallel 20 -o fleet.yaml",
    ),
    "bundle": (
        "aicr bundle -r recipe.yaml -o ./bundle",
        "aicr bundle -r recipe.yaml -d argocd --repo https://github.com/me/gitops.git -o ./gitops",
        "aicr bundle -r recipe.yaml -o oci://registry.example/gpu/stack:v1 --attest --signing-key release.key",
        "aicr bundle --config aicr-config.yaml --set gpuoperator:driver.version=580.105.08 -o ./bundle",
    ),
    "verify": (
        "aicr verify ./bundle",
        "aicr verify ./bundle --key release.pem --min-trust-level attested",
        "aicr verify oci://registry.example/gpu/stack:v1 --trust-root keys/ --format json",
        "aicr verify ./bundle --certificate-identity-regexp '^release@example[.]com$' "
        "--certificate-oidc-issuer https://accounts.google.com",
    ),
    "validate": (
        "aicr validate -r recipe.yaml -s snapshot.yaml --no-cluster",
        "aicr validate -r recipe.yaml --phase deployment",
        "aicr validate -r recipe.yaml --print-rbac",
        "aicr validate -r recipe.yaml --cncf-submission --evidence-dir ./evidence",
    ),
    "completion": ("aicr completion bash", "aicr completion powershell"),
    "skill": ("aicr skill --agent claude-code", "aicr skill --agent codex --stdout"),
    "mirror": (
        "aicr mirror list -r recipe.yaml",
        "aicr mirror list -r recipe.yaml -f hauler -o hauler-manifest.yaml",
        "aicr mirror list --service eks --accelerator h100 --intent training -f zarf -o zarf.yaml",
        "aicr mirror list -r recipe.yaml --set gpuoperator:driver.enabled=false -f json",
    ),
    "diff": (
        "aicr diff -b before.yaml --target after.yaml",
        "aicr diff -b before.yaml --target cm://aicr/snapshot -t table --fail-on-drift",
    ),
    "upgrade-check": (
        "aicr upgrade-check --from old-recipe.yaml --to new-recipe.yaml --deployer helm",
        "aicr upgrade-check --from ./bundle-v1 --to ./bundle-v2 -d argocd -t json -o report.json",
        "aicr upgrade-check --from deployed-recipe.yaml -d flux",
        "aicr upgrade-check --from old.yaml --to new.yaml -d helm --fail-on-error=false",
    ),
}


def epilog(command: str) -> str | None:
    """The `examples:` block of one command's help, or None."""
    lines = EXAMPLES.get(command)
    if not lines:
        return None
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)
