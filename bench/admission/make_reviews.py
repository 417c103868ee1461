"""Writes the AdmissionReview bodies the load benchmark sends: an allowed and
a denied Pod, an allowed and a denied Deployment (default configuration,
every built-in rule on)."""
import copy
import json
import sys

DIGEST = "sha256:" + "0123456789abcdef" * 4
CONTAINER = {
    "name": "app",
    "image": f"registry.example.com/shop/web@{DIGEST}",
    "ports": [{"containerPort": 8080}],
    "resources": {"requests": {"cpu": "100m", "memory": "64Mi"},
                  "limits": {"cpu": "1", "memory": "256Mi"}},
    "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                        "capabilities": {"drop": ["ALL"]}},
    "env": [{"name": "LOG_LEVEL", "value": "info"}],
    "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
}
POD_SPEC = {
    "automountServiceAccountToken": False,
    "securityContext": {"runAsNonRoot": True, "runAsUser": 10001,
                        "seccompProfile": {"type": "RuntimeDefault"}},
    "containers": [CONTAINER],
    "volumes": [{"name": "tmp", "emptyDir": {}}],
}
LABELS = {"app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "shop"}


def review(obj, resource, group):
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
        "uid": "2f1c7e1e-1b7a-4c55-9d3e-000000000000",
        "kind": {"group": group, "version": "v1", "kind": obj["kind"]},
        "resource": {"group": group, "version": "v1", "resource": resource},
        "name": obj["metadata"]["name"], "namespace": "shop", "operation": "CREATE",
        "userInfo": {"username": "system:serviceaccount:ci:deployer", "groups": ["system:authenticated"]},
        "object": obj, "oldObject": None, "dryRun": False,
        "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"}}}


def pod(bad):
    spec = copy.deepcopy(POD_SPEC)
    if bad:
        spec["hostNetwork"] = True
        spec["containers"][0]["securityContext"]["privileged"] = True
        spec["containers"][0]["image"] = "nginx:latest"
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web-7d4b9c", "namespace": "shop", "labels": LABELS}, "spec": spec}


def deployment(bad):
    spec = copy.deepcopy(POD_SPEC)
    if bad:
        del spec["securityContext"]
        spec["containers"][0]["securityContext"] = {"runAsUser": 0}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop", "labels": LABELS},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app.kubernetes.io/name": "web"}},
                     "template": {"metadata": {"labels": LABELS}, "spec": spec}}}


out = sys.argv[1]
for name, obj, resource, group in [
    ("pod-allowed", pod(False), "pods", ""), ("pod-denied", pod(True), "pods", ""),
    ("deploy-allowed", deployment(False), "deployments", "apps"),
    ("deploy-denied", deployment(True), "deployments", "apps"),
]:
    with open(f"{out}/{name}.json", "w") as f:
        json.dump(review(obj, resource, group), f)
