#!/usr/bin/env python3
"""Generate a deterministic corpus of Kubernetes manifests for benchmarking.

    python3 bench/gen_corpus.py [--count 10000] [--out bench/corpus] [--seed 20261122]

The same seed and count always give byte-identical files (standard library
only, no YAML library: the YAML is emitted by hand so its layout does not
depend on a library version).

The corpus imitates a GitOps repository of many teams:
    DIR/<area>/<team>/<app>/<env>/<file>.yaml
with a realistic mix of kinds (Deployments, StatefulSets, DaemonSets,
CronJobs, Jobs, Pods, Services, ConfigMaps, Secrets, Namespaces,
NetworkPolicies, ServiceAccounts), about a fifth of the files being
multi-document bundles, a few JSON files, sizes mostly 0.5-6 KB with a few
larger ConfigMaps, and a mix of hardened and insecure workloads (privileged,
hostPath, host namespaces, missing securityContext, :latest or untagged
images, added capabilities, literal credentials, no resources).

The corpus is written to DIR.tmp and renamed to DIR at the end, so DIR only
exists when it is complete. An existing DIR is replaced.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys

# --------------------------------------------------------------------------
# A small block-style YAML emitter (dicts keep insertion order).
# --------------------------------------------------------------------------

_PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./-]*$")
_RESERVED = {
    "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~",
    "True", "False", "Yes", "No", "On", "Off", "Null", "NULL", "TRUE", "FALSE",
}


def _scalar(v) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return str(v)
    s = str(v)
    if _PLAIN.match(s) and s not in _RESERVED:
        return s
    return json.dumps(s)  # a JSON string is a valid double-quoted YAML scalar


class Block(str):
    """A string emitted as a literal block scalar (`|`)."""


def _emit(v, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(v, dict):
        for k, x in v.items():
            key = _scalar(k)
            if isinstance(x, Block):
                out.append(f"{pad}{key}: |")
                for line in x.splitlines():
                    out.append(f"{pad}  {line}" if line else "")
            elif isinstance(x, dict) and x:
                out.append(f"{pad}{key}:")
                _emit(x, indent + 2, out)
            elif isinstance(x, list) and x:
                out.append(f"{pad}{key}:")
                _emit(x, indent, out)  # Kubernetes style: "- " at key level
            elif isinstance(x, dict):
                out.append(f"{pad}{key}: {{}}")
            elif isinstance(x, list):
                out.append(f"{pad}{key}: []")
            else:
                out.append(f"{pad}{key}: {_scalar(x)}")
    elif isinstance(v, list):
        for x in v:
            if isinstance(x, dict) and x:
                sub: list[str] = []
                _emit(x, indent + 2, sub)
                first = sub[0]
                out.append(f"{pad}- {first[indent + 2:]}")
                out.extend(sub[1:])
            elif isinstance(x, list) and x:
                out.append(f"{pad}-")
                _emit(x, indent + 2, out)
            else:
                out.append(f"{pad}- {_scalar(x)}")
    else:
        out.append(f"{pad}{_scalar(v)}")


def to_yaml(doc) -> str:
    out: list[str] = []
    _emit(doc, 0, out)
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

AREAS = ["apps", "platform", "data", "infra", "edge"]
TEAMS = [
    "payments", "checkout", "search", "identity", "billing", "catalog",
    "shipping", "analytics", "ml", "observability", "security", "growth",
    "mobile-api", "notifications", "inventory", "pricing", "support",
    "ledger", "media", "recommendations",
]
APP_WORDS = [
    "api", "web", "worker", "gateway", "indexer", "scheduler", "cache",
    "frontend", "backend", "consumer", "producer", "sync", "exporter",
    "proxy", "auth", "reporter", "ingest", "router", "store", "batch",
]
ENVS = ["dev", "staging", "prod", "prod-eu", "prod-us"]
PUBLIC_IMAGES = [
    "nginx", "redis", "postgres", "busybox", "alpine", "python", "node",
    "golang", "memcached", "rabbitmq", "envoyproxy/envoy", "grafana/grafana",
    "prom/prometheus", "bitnami/kafka", "mongo", "mysql", "httpd", "traefik",
]
REGISTRIES = ["registry.example.com", "ghcr.io/acme", "quay.io/acme",
              "123456789012.dkr.ecr.eu-west-1.amazonaws.com"]
LABEL_KEYS = ["app.kubernetes.io/version", "app.kubernetes.io/component",
              "app.kubernetes.io/managed-by", "team", "cost-center", "tier",
              "environment", "owner"]
ANNOTATION_KEYS = [
    "prometheus.io/scrape", "prometheus.io/port", "prometheus.io/path",
    "kubernetes.io/change-cause", "argocd.argoproj.io/sync-wave",
    "cluster-autoscaler.kubernetes.io/safe-to-evict",
    "sidecar.istio.io/inject", "deployment.kubernetes.io/revision",
    "meta.helm.sh/release-name", "meta.helm.sh/release-namespace",
]
ENV_NAMES = ["LOG_LEVEL", "PORT", "DATABASE_HOST", "DATABASE_PORT",
             "REDIS_URL", "FEATURE_FLAGS", "OTEL_EXPORTER_OTLP_ENDPOINT",
             "HTTP_TIMEOUT", "MAX_CONNECTIONS", "REGION", "CACHE_TTL",
             "WORKER_CONCURRENCY", "QUEUE_NAME", "SENTRY_ENVIRONMENT",
             "JAVA_OPTS", "GOMAXPROCS", "TZ", "UPSTREAM_URL"]
SECRET_ENV = ["DB_PASSWORD", "API_TOKEN", "AWS_SECRET_ACCESS_KEY",
              "STRIPE_SECRET_KEY", "JWT_SECRET", "GITHUB_TOKEN"]
WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do "
         "eiusmod tempor incididunt ut labore et dolore magna aliqua enim ad "
         "minim veniam quis nostrud exercitation ullamco laboris nisi aliquip "
         "ex ea commodo consequat").split()


class Gen:
    def __init__(self, rng: random.Random):
        self.r = rng

    # ---- small helpers -------------------------------------------------
    def hexs(self, n: int) -> str:
        return "".join(self.r.choice("0123456789abcdef") for _ in range(n))

    def sentence(self, lo: int = 4, hi: int = 12) -> str:
        return " ".join(self.r.choice(WORDS) for _ in range(self.r.randint(lo, hi)))

    def labels(self, app: str, team: str, env: str, extra: int) -> dict:
        lab = {"app.kubernetes.io/name": app}
        if self.r.random() < 0.15:  # some objects miss the required label
            lab = {"app": app}
        lab["app.kubernetes.io/part-of"] = team
        for k in self.r.sample(LABEL_KEYS, extra):
            lab[k] = {"environment": env, "team": team, "owner": team,
                      "tier": self.r.choice(["frontend", "backend", "data"]),
                      "app.kubernetes.io/version": f"{self.r.randint(1, 9)}.{self.r.randint(0, 30)}.{self.r.randint(0, 9)}",
                      "app.kubernetes.io/managed-by": self.r.choice(["Helm", "kustomize", "argocd"]),
                      "app.kubernetes.io/component": self.r.choice(APP_WORDS),
                      "cost-center": f"cc-{self.r.randint(1000, 9999)}"}[k]
        return lab

    def annotations(self, n: int) -> dict:
        ann = {}
        for k in self.r.sample(ANNOTATION_KEYS, n):
            ann[k] = {"prometheus.io/scrape": "true", "prometheus.io/port": str(self.r.choice([8080, 9090, 9102])),
                      "prometheus.io/path": "/metrics",
                      "kubernetes.io/change-cause": self.sentence(3, 8),
                      "argocd.argoproj.io/sync-wave": str(self.r.randint(-2, 5)),
                      "cluster-autoscaler.kubernetes.io/safe-to-evict": "false",
                      "sidecar.istio.io/inject": self.r.choice(["true", "false"]),
                      "deployment.kubernetes.io/revision": str(self.r.randint(1, 90)),
                      "meta.helm.sh/release-name": self.r.choice(APP_WORDS),
                      "meta.helm.sh/release-namespace": self.r.choice(TEAMS)}[k]
        return ann

    def metadata(self, name, ns, app, team, env, labels=True):
        md = {"name": name}
        if ns is not None:
            md["namespace"] = ns
        if labels:
            md["labels"] = self.labels(app, team, env, self.r.randint(0, 4))
        if self.r.random() < 0.5:
            md["annotations"] = self.annotations(self.r.randint(1, 4))
        return md

    def image(self, secure: bool, team: str, app: str) -> str:
        r = self.r.random()
        if secure:
            reg = self.r.choice(REGISTRIES)
            tag = f"{self.r.randint(1, 5)}.{self.r.randint(0, 20)}.{self.r.randint(0, 9)}"
            if r < 0.7:
                return f"{reg}/{team}/{app}:{tag}@sha256:{self.hexs(64)}"
            return f"{reg}/{team}/{app}:{tag}"
        img = self.r.choice(PUBLIC_IMAGES)
        if r < 0.35:
            return f"{img}:latest"
        if r < 0.55:
            return img  # untagged
        return f"{img}:{self.r.randint(1, 16)}.{self.r.randint(0, 9)}"

    # ---- pod spec ------------------------------------------------------
    def container(self, name: str, secure: bool, team: str, app: str) -> dict:
        r = self.r
        c = {"name": name, "image": self.image(secure, team, app)}
        if r.random() < 0.3:
            c["imagePullPolicy"] = r.choice(["IfNotPresent", "Always"])
        if r.random() < 0.4:
            c["command"] = ["/bin/" + app]
            c["args"] = [f"--{w}={r.randint(1, 100)}" for w in r.sample(WORDS, r.randint(1, 5))]
        if r.random() < 0.8:
            c["ports"] = [{"name": r.choice(["http", "grpc", "metrics", "admin"]) + str(i),
                           "containerPort": r.choice([80, 443, 8080, 8443, 9090, 5432, 6379, 3000]) + i,
                           "protocol": "TCP"} for i in range(r.randint(1, 3))]
            if not secure and r.random() < 0.15:
                c["ports"][0]["hostPort"] = c["ports"][0]["containerPort"]
        env = []
        for k in r.sample(ENV_NAMES, r.randint(0, 9)):
            env.append({"name": k, "value": r.choice([str(r.randint(1, 500)), "info", "true",
                                                      f"http://{r.choice(APP_WORDS)}.{team}.svc:8080",
                                                      self.sentence(1, 3)])})
        if r.random() < 0.3:
            env.append({"name": r.choice(SECRET_ENV),
                        "valueFrom": {"secretKeyRef": {"name": f"{app}-secrets", "key": "password"}}})
        if not secure and r.random() < 0.2:
            env.append({"name": r.choice(SECRET_ENV), "value": "sk_live_" + self.hexs(24)})
        if env:
            c["env"] = env
        if r.random() < 0.2:
            c["envFrom"] = [{"configMapRef": {"name": f"{app}-config"}}]
        if secure or r.random() < 0.5:
            res = {"requests": {"cpu": f"{r.choice([50, 100, 250, 500])}m",
                                "memory": f"{r.choice([64, 128, 256, 512])}Mi"}}
            if secure or r.random() < 0.5:
                res["limits"] = {"cpu": f"{r.choice([500, 1000, 2000])}m",
                                 "memory": f"{r.choice([256, 512, 1024])}Mi"}
            c["resources"] = res
        if r.random() < 0.6:
            port = c.get("ports", [{"containerPort": 8080}])[0]["containerPort"]
            c["livenessProbe"] = {"httpGet": {"path": "/healthz", "port": port},
                                  "initialDelaySeconds": r.randint(5, 30), "periodSeconds": 10}
            c["readinessProbe"] = {"httpGet": {"path": "/ready", "port": port},
                                   "periodSeconds": r.choice([5, 10])}
        if secure:
            c["securityContext"] = {
                "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                "runAsNonRoot": True, "runAsUser": r.choice([1000, 10001, 65532]),
                "capabilities": {"drop": ["ALL"]},
                "seccompProfile": {"type": "RuntimeDefault"}}
        else:
            x = r.random()
            if x < 0.35:
                pass  # no securityContext at all
            elif x < 0.55:
                c["securityContext"] = {"privileged": True}
            elif x < 0.7:
                c["securityContext"] = {"allowPrivilegeEscalation": True,
                                        "capabilities": {"add": r.sample(["NET_ADMIN", "SYS_ADMIN", "SYS_PTRACE", "NET_RAW"], r.randint(1, 2))}}
            elif x < 0.85:
                c["securityContext"] = {"runAsUser": 0, "readOnlyRootFilesystem": False}
            else:
                c["securityContext"] = {"runAsNonRoot": True, "allowPrivilegeEscalation": False}
        if r.random() < 0.5:
            c["volumeMounts"] = [{"name": "data", "mountPath": "/data"}]
        return c

    def pod_spec(self, secure: bool, team: str, app: str, restart: str | None = None) -> dict:
        r = self.r
        spec: dict = {}
        if r.random() < 0.6:
            spec["serviceAccountName"] = app
        if secure or r.random() < 0.3:
            spec["automountServiceAccountToken"] = False
        if secure:
            spec["securityContext"] = {"runAsNonRoot": True, "fsGroup": 2000,
                                       "seccompProfile": {"type": "RuntimeDefault"}}
        elif r.random() < 0.25:
            spec[r.choice(["hostNetwork", "hostPID", "hostIPC"])] = True
        if restart:
            spec["restartPolicy"] = restart
        if r.random() < 0.2:
            spec["initContainers"] = [self.container("init", secure, team, app)]
        n = 1 if r.random() < 0.65 else r.randint(2, 3)
        spec["containers"] = [self.container(app if i == 0 else f"sidecar-{i}", secure, team, app)
                              for i in range(n)]
        if r.random() < 0.3:
            spec["nodeSelector"] = {"kubernetes.io/os": "linux",
                                    "node.kubernetes.io/instance-type": r.choice(["m5.large", "c6i.xlarge"])}
        if r.random() < 0.2:
            spec["tolerations"] = [{"key": "dedicated", "operator": "Equal", "value": team, "effect": "NoSchedule"}]
        if r.random() < 0.2:
            spec["affinity"] = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                                    "labelSelector": {"matchLabels": {"app.kubernetes.io/name": app}}}}]}}
        vols = []
        if any("volumeMounts" in c for c in spec["containers"]):
            if not secure and r.random() < 0.4:
                vols.append({"name": "data", "hostPath": {"path": r.choice(["/var/run/docker.sock", "/", "/var/log", "/etc"]),
                                                          "type": r.choice(["Directory", "Socket", ""]) or "DirectoryOrCreate"}})
            else:
                vols.append({"name": "data", "emptyDir": {}})
        if vols:
            spec["volumes"] = vols
        return spec

    # ---- objects ---------------------------------------------------------
    def workload(self, kind, ns, app, team, env, secure):
        r = self.r
        md = self.metadata(app, ns, app, team, env)
        sel = {"matchLabels": {"app.kubernetes.io/name": app}}
        tmpl = {"metadata": {"labels": {"app.kubernetes.io/name": app}}}
        if r.random() < 0.3:
            tmpl["metadata"]["annotations"] = self.annotations(r.randint(1, 3))
        if kind == "Pod":
            return {"apiVersion": "v1", "kind": "Pod", "metadata": md,
                    "spec": self.pod_spec(secure, team, app)}
        if kind in ("Job", "CronJob"):
            tmpl["spec"] = self.pod_spec(secure, team, app, restart=r.choice(["OnFailure", "Never"]))
            job = {"backoffLimit": r.randint(0, 6), "template": tmpl}
            if r.random() < 0.5:
                job["ttlSecondsAfterFinished"] = 3600
            if kind == "Job":
                return {"apiVersion": "batch/v1", "kind": "Job", "metadata": md, "spec": job}
            return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": md,
                    "spec": {"schedule": f"{r.randint(0, 59)} {r.randint(0, 23)} * * *",
                             "concurrencyPolicy": r.choice(["Forbid", "Allow", "Replace"]),
                             "jobTemplate": {"spec": job}}}
        tmpl["spec"] = self.pod_spec(secure, team, app)
        spec = {"selector": sel, "template": tmpl}
        if kind in ("Deployment", "StatefulSet"):
            spec = {"replicas": r.randint(1, 6), **spec}
        if kind == "Deployment" and r.random() < 0.5:
            spec["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}}
        if kind == "StatefulSet":
            spec["serviceName"] = app
            spec["volumeClaimTemplates"] = [{"metadata": {"name": "state"}, "spec": {
                "accessModes": ["ReadWriteOnce"], "storageClassName": r.choice(["gp3", "standard", "ssd"]),
                "resources": {"requests": {"storage": f"{r.choice([1, 10, 50, 200])}Gi"}}}}]
        if kind == "DaemonSet":
            spec["updateStrategy"] = {"type": "RollingUpdate"}
        return {"apiVersion": "apps/v1", "kind": kind, "metadata": md, "spec": spec}

    def service(self, ns, app, team, env):
        r = self.r
        spec = {"type": r.choice(["ClusterIP"] * 6 + ["NodePort", "LoadBalancer"]),
                "selector": {"app.kubernetes.io/name": app},
                "ports": [{"name": f"p{i}", "port": 80 + i, "targetPort": 8080 + i, "protocol": "TCP"}
                          for i in range(r.randint(1, 3))]}
        return {"apiVersion": "v1", "kind": "Service",
                "metadata": self.metadata(app, ns, app, team, env), "spec": spec}

    def configmap(self, ns, app, team, env, big=False):
        r = self.r
        data = {}
        for k in r.sample(ENV_NAMES, r.randint(2, 8)):
            data[k] = str(r.randint(1, 1000))
        nlines = r.randint(300, 1500) if big else r.randint(3, 60)
        lines = [f"# {app} configuration for {env}"]
        for i in range(nlines):
            lines.append(f"{r.choice(WORDS)}_{i} = {self.sentence(1, 6)}")
        data[r.choice(["app.conf", "settings.ini", "application.properties"])] = Block("\n".join(lines))
        return {"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": self.metadata(f"{app}-config", ns, app, team, env), "data": data}

    def secret(self, ns, app, team, env):
        r = self.r
        data = {k.lower(): self.hexs(r.choice([16, 32, 48])) for k in r.sample(SECRET_ENV, r.randint(1, 4))}
        kind = r.random()
        obj = {"apiVersion": "v1", "kind": "Secret",
               "metadata": self.metadata(f"{app}-secrets", ns, app, team, env), "type": "Opaque"}
        if kind < 0.5:
            obj["stringData"] = data
        else:
            obj["data"] = {k: v.encode().hex()[:44] + "==" for k, v in data.items()}
        return obj

    def namespace(self, ns, team, env):
        r = self.r
        md = {"name": ns, "labels": {"team": team, "environment": env}}
        x = r.random()
        if x < 0.4:
            md["labels"]["pod-security.kubernetes.io/enforce"] = "restricted"
            md["labels"]["pod-security.kubernetes.io/enforce-version"] = "latest"
        elif x < 0.7:
            md["labels"]["pod-security.kubernetes.io/enforce"] = r.choice(["baseline", "privileged"])
        return {"apiVersion": "v1", "kind": "Namespace", "metadata": md}

    def networkpolicy(self, ns, app, team, env):
        r = self.r
        x = r.random()
        if x < 0.35:
            return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": {"name": "default-deny", "namespace": ns},
                    "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}
        if x < 0.55:
            return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": {"name": "allow-dns", "namespace": ns},
                    "spec": {"podSelector": {}, "policyTypes": ["Egress"],
                             "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}],
                                         "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]}}
        return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": self.metadata(f"{app}-ingress", ns, app, team, env, labels=False),
                "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": app}},
                         "policyTypes": ["Ingress"],
                         "ingress": [{"from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": r.choice(APP_WORDS)}}}],
                                      "ports": [{"protocol": "TCP", "port": 8080}]}]}}

    def serviceaccount(self, ns, app, team, env, secure):
        sa = {"apiVersion": "v1", "kind": "ServiceAccount",
              "metadata": self.metadata(app, ns, app, team, env)}
        if secure or self.r.random() < 0.3:
            sa["automountServiceAccountToken"] = False
        return sa


# (kind, weight): the primary kind of a single-document file.
SINGLE = [("Deployment", 22), ("StatefulSet", 5), ("DaemonSet", 3), ("CronJob", 5),
          ("Job", 3), ("Pod", 4), ("Service", 11), ("ConfigMap", 10), ("Secret", 5),
          ("Namespace", 3), ("NetworkPolicy", 5), ("ServiceAccount", 4)]
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "Pod"}


def make_file(g: Gen, idx: int):
    """Return (relative path, text) for file number idx."""
    r = g.r
    t = r.randrange(len(TEAMS))
    team, area = TEAMS[t], AREAS[t % len(AREAS)]
    # Each team owns twelve apps (a fixed, seeded choice of names).
    a = r.randrange(12)
    app = APP_WORDS[(t * 7 + a) % len(APP_WORDS)]
    if a >= 6:
        app = f"{app}-{APP_WORDS[(t + a * 3) % len(APP_WORDS)]}"
    env = r.choice(ENVS)
    ns = None if r.random() < 0.08 else f"{team}-{env}"  # a few land in 'default'
    secure = r.random() < 0.4
    x = r.random()
    if x < 0.01:
        kind, docs = "ConfigMap", [g.configmap(ns, app, team, env, big=True)]  # 15-80 KB
    elif x < 0.20:
        # A bundle: what `helm template` / kustomize leaves in one file.
        kind = "bundle"
        docs = []
        if r.random() < 0.3 and ns:
            docs.append(g.namespace(ns, team, env))
        if r.random() < 0.5:
            docs.append(g.serviceaccount(ns, app, team, env, secure))
        if r.random() < 0.6:
            docs.append(g.configmap(ns, app, team, env))
        wk = r.choice(["Deployment"] * 5 + ["StatefulSet", "DaemonSet", "CronJob"])
        docs.append(g.workload(wk, ns, app, team, env, secure))
        if wk != "CronJob":
            docs.append(g.service(ns, app, team, env))
        if r.random() < 0.4 and ns:
            docs.append(g.networkpolicy(ns, app, team, env))
    else:
        kind = r.choices([k for k, _ in SINGLE], weights=[w for _, w in SINGLE])[0]
        if kind in WORKLOADS:
            doc = g.workload(kind, ns, app, team, env, secure)
        elif kind == "Service":
            doc = g.service(ns, app, team, env)
        elif kind == "ConfigMap":
            doc = g.configmap(ns, app, team, env)
        elif kind == "Secret":
            doc = g.secret(ns, app, team, env)
        elif kind == "Namespace":
            doc = g.namespace(ns or f"{team}-{env}", team, env)
        elif kind == "NetworkPolicy":
            doc = g.networkpolicy(ns or f"{team}-{env}", app, team, env)
        else:
            doc = g.serviceaccount(ns, app, team, env, secure)
        docs = [doc]

    base = f"{idx:05d}-{kind.lower()}-{app}"
    if len(docs) == 1 and r.random() < 0.02:
        return f"{area}/{team}/{app}/{env}/{base}.json", json.dumps(docs[0], indent=2) + "\n"
    ext = "yml" if r.random() < 0.1 else "yaml"
    header = f"# {kind} for {app} ({team}, {env})\n" if r.random() < 0.5 else ""
    text = header + "---\n".join(to_yaml(d) for d in docs)
    if len(docs) > 1 and r.random() < 0.5:
        text = "---\n" + text
    return f"{area}/{team}/{app}/{env}/{base}.{ext}", text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=10000, help="number of files (default 10000)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus"),
                    help="output directory (default bench/corpus)")
    ap.add_argument("--seed", type=int, default=20261122, help="random seed (default 20261122)")
    a = ap.parse_args()

    out = os.path.abspath(a.out)
    tmp = out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    rng = random.Random(a.seed)
    g = Gen(rng)
    total = 0
    sizes = []
    for i in range(a.count):
        rel, text = make_file(g, i)
        path = os.path.join(tmp, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = text.encode()
        with open(path, "wb") as f:
            f.write(data)
        total += len(data)
        sizes.append(len(data))
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)
    sizes.sort()
    q = lambda p: sizes[min(len(sizes) - 1, int(p * len(sizes)))]
    print(f"files={a.count} bytes={total} ({total / 1e6:.2f} MB) dir={out}")
    print(f"size bytes: min={sizes[0]} p10={q(0.10)} median={q(0.5)} p90={q(0.9)} "
          f"p99={q(0.99)} max={sizes[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
