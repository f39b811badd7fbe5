"""Finding the cluster configuration: `--kubeconfig` > KUBECONFIG > ~/.kube/config > in-cluster.

Edge module (looks at files and the environment) and deliberately client-free: deciding that
there is no cluster must not import lightkube, so `aicr snapshot --local` stays fast.
"""

from __future__ import annotations

import os

from aicr.errors import AicrError, Code

SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
NO_CONFIG_MESSAGE = (
    "no Kubernetes configuration found (tried --kubeconfig, KUBECONFIG, ~/.kube/config and the "
    "in-cluster service account)"
)


class ConfigSource:
    """Where the client configuration comes from: a kubeconfig file or the in-cluster account."""

    __slots__ = ("kind", "path")

    def __init__(self, kind: str, path: str) -> None:
        self.kind = kind  # "file" | "in-cluster"
        self.path = path

    def __repr__(self) -> str:
        return f"ConfigSource({self.kind}, {self.path!r})"


def find_config(kubeconfig: str | None = None) -> ConfigSource | None:
    """The configuration to use, or None when there is none.

    An explicit `kubeconfig` that does not exist is NOT_FOUND; a KUBECONFIG variable whose files
    are all missing counts as no configuration from that source.
    """
    if kubeconfig:
        path = os.path.expanduser(kubeconfig)
        if not os.path.isfile(path):
            raise AicrError(Code.NOT_FOUND, f"kubeconfig file not found: {path}", {"path": path})
        return ConfigSource("file", path)
    env = os.environ.get("KUBECONFIG", "")
    for candidate in env.split(os.pathsep):
        if candidate and os.path.isfile(os.path.expanduser(candidate)):
            return ConfigSource("file", os.path.expanduser(candidate))
    home = os.path.expanduser("~/.kube/config")
    if os.path.isfile(home):
        return ConfigSource("file", home)
    if os.environ.get("KUBERNETES_SERVICE_HOST") and os.path.isfile(
        os.path.join(SERVICE_ACCOUNT_DIR, "token")
    ):
        return ConfigSource("in-cluster", SERVICE_ACCOUNT_DIR)
    return None


def require_config(kubeconfig: str | None = None) -> ConfigSource:
    """`find_config`, but a missing configuration is an INVALID_REQUEST with a hint."""
    source = find_config(kubeconfig)
    if source is None:
        raise AicrError(Code.INVALID_REQUEST, NO_CONFIG_MESSAGE)
    return source
