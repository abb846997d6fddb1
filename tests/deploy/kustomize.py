"""A small kustomize of our own, for the tests: no kustomize or kubectl binary comes from the
package registries this project may use, and the Python "kustomize" packages are not kustomize.

It renders the subset of kustomization.yaml that deploy/k8s uses, the way `kustomize build`
does: `resources` (files, and directories holding a kustomization), `namespace` (on namespaced
objects), `labels` (metadata labels only), `images` (newName/newTag), `patches` (strategic
merge: maps merged, lists of named items merged by name, `$patch: delete` removes an object;
optional `target` by kind and name), `replicas`, and `configMapGenerator` (files; the name
suffix hash must be disabled, as ours is, so names stay stable). Anything else is refused, so a
kustomization feature this renderer does not know fails the tests instead of being ignored.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Doc = dict[str, Any]

KNOWN_KEYS = {
    "apiVersion", "kind", "resources", "namespace", "labels", "images", "patches", "replicas",
    "configMapGenerator",
}  # fmt: skip
CLUSTER_SCOPED = {"Namespace", "PriorityClass", "ClusterRole", "ClusterRoleBinding"}


def merge(base: Any, patch: Any) -> Any:
    """Strategic merge of `patch` into `base` (lists of maps with a `name` merge by name)."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            if value is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = merge(merged[key], value)
            else:
                merged[key] = copy.deepcopy(value)
        return merged
    if isinstance(base, list) and isinstance(patch, list):
        if all(isinstance(i, dict) and "name" in i for i in base + patch):
            by_name = {item["name"]: item for item in base}
            result = [merge(by_name[i["name"]], i) if i["name"] in by_name else i for i in patch]
            patched = {i["name"] for i in patch}
            return [i for i in base if i["name"] not in patched] + result
        return copy.deepcopy(patch)
    return copy.deepcopy(patch)


def _matches(doc: Doc, kind: str | None, name: str | None) -> bool:
    return (kind is None or doc["kind"] == kind) and (
        name is None or doc["metadata"]["name"] == name
    )


def _apply_patch(docs: list[Doc], patch: Doc, target: dict[str, str] | None) -> list[Doc]:
    kind = (target or {}).get("kind", None if target else patch.get("kind"))
    name = (target or {}).get("name", None if target else patch["metadata"]["name"])
    hits = [d for d in docs if _matches(d, kind, name)]
    assert hits, f"patch matches nothing: {kind}/{name}"
    if patch.get("$patch") == "delete":
        return [d for d in docs if not _matches(d, kind, name)]
    body = {k: v for k, v in patch.items() if k not in ("apiVersion", "kind")}
    if target:
        body.get("metadata", {}).pop("name", None)
    return [merge(d, body) if _matches(d, kind, name) else d for d in docs]


def _set_image(pod: Doc, images: list[dict[str, str]]) -> None:
    for container in [*pod.get("initContainers", []), *pod.get("containers", [])]:
        repository = container["image"].split(":")[0]
        for image in images:
            if image["name"] == repository:
                new = image.get("newName", repository)
                container["image"] = f"{new}:{image['newTag']}" if "newTag" in image else new


def _generated(root: Path, generators: list[Doc]) -> list[Doc]:
    docs = []
    for generator in generators:
        options = generator.get("options", {})
        assert options.get("disableNameSuffixHash") is True, "name suffix hashes not rendered"
        data = {}
        for entry in generator.get("files", []):
            key, _, path = entry.rpartition("=") if "=" in entry else ("", "", entry)
            data[key or Path(path).name] = (root / path).read_text()
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": generator["name"], "labels": options.get("labels", {})},
                "data": data,
            }
        )
    return docs


def build(root: Path) -> list[Doc]:
    """The objects `kustomize build root` prints (in resource order)."""
    kustomization: Doc = yaml.safe_load((root / "kustomization.yaml").read_text())
    unknown = set(kustomization) - KNOWN_KEYS
    assert not unknown, f"{root}: kustomization fields this renderer does not know: {unknown}"
    docs: list[Doc] = []
    for resource in kustomization.get("resources", []):
        path = (root / resource).resolve()
        if path.is_dir():
            docs += build(path)
        else:
            docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    docs += _generated(root, kustomization.get("configMapGenerator", []))
    for entry in kustomization.get("patches", []):
        text = entry.get("patch") or (root / entry["path"]).read_text()
        for patch in [p for p in yaml.safe_load_all(text) if p]:
            docs = _apply_patch(docs, patch, entry.get("target"))
    for replicas in kustomization.get("replicas", []):
        for doc in docs:
            if doc["metadata"]["name"] == replicas["name"] and "replicas" in doc.get("spec", {}):
                doc["spec"]["replicas"] = replicas["count"]
    for doc in docs:
        _finish(doc, kustomization)
    return docs


def _finish(doc: Doc, kustomization: Doc) -> None:
    if "namespace" in kustomization and doc["kind"] not in CLUSTER_SCOPED:
        doc["metadata"]["namespace"] = kustomization["namespace"]
    for label in kustomization.get("labels", []):
        doc["metadata"].setdefault("labels", {}).update(label["pairs"])
    template = doc.get("spec", {}).get("template", {})
    if "spec" in template and "images" in kustomization:
        _set_image(template["spec"], kustomization["images"])
