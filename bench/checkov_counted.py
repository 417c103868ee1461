"""Run the Checkov CLI unchanged, and report what its Kubernetes runner parsed.

    bench/.venv/bin/python bench/checkov_counted.py CHECKOV-ARGS...

Same code path as the `checkov` command (checkov.main.Checkov().run()); the
only addition is one line on stderr after the Kubernetes runner is done:

    BENCH-CHECKOV files_parsed=N documents=N graph_resources=N

so that the benchmark can check that Checkov really read every file of the
corpus (its JSON summary only gives `resource_count`, which also counts the
pod templates it derives from workloads, and its `--quiet` output lists only
files with failed checks).
"""

import sys

import checkov.kubernetes.runner as k8s_runner
from checkov.main import Checkov

_orig_run = k8s_runner.Runner.run


def _counted_run(self, *args, **kwargs):
    report = _orig_run(self, *args, **kwargs)
    defs = self.definitions or {}
    docs = sum(len(v) for v in defs.values())
    sys.stderr.write(
        f"BENCH-CHECKOV files_parsed={len(defs)} documents={docs} "
        f"graph_resources={len(report.resources)}\n"
    )
    sys.stderr.flush()
    return report


k8s_runner.Runner.run = _counted_run

if __name__ == "__main__":
    sys.exit(Checkov().run())
