"""Document kinds and apiVersions shared by every stage.

Pure constants. Documents this project writes carry `aicr.nvidia.com/v1alpha1`; readers also
accept the reference's newer group `aicr.run` so files written by either tool load in both.
"""

from __future__ import annotations

API_VERSION = "aicr.nvidia.com/v1alpha1"

READ_API_VERSIONS = frozenset(
    {"aicr.nvidia.com/v1alpha1", "aicr.run/v1alpha2", "aicr.run/v1beta1", "aicr.run/v1"}
)

# A RecipeMetadata that declares a profile carries one of these (and only such a document may);
# a RecipeResult with a selected profile is written with PROFILED_RESULT_API_VERSION.
PROFILE_API_VERSIONS = frozenset({"aicr.run/v1alpha3", "aicr.run/v1beta2"})
PROFILED_RESULT_API_VERSION = "aicr.run/v1alpha3"

VALIDATOR_CATALOG_API_VERSIONS = frozenset(
    {"aicr.nvidia.com/v1", "aicr.nvidia.com/v1alpha1", "validator.nvidia.com/v1alpha1"}
)

KIND_CRITERIA = "RecipeCriteria"
KIND_METADATA = "RecipeMetadata"
KIND_MIXIN = "RecipeMixin"
KIND_REGISTRY = "ComponentRegistry"
KIND_RESULT = "RecipeResult"
KIND_SNAPSHOT = "Snapshot"
KIND_VALIDATOR_CATALOG = "ValidatorCatalog"
KIND_BUNDLE_INFO = "BundleInfo"
