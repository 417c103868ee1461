#!/usr/bin/env python3
"""Split a `perf record --call-graph dwarf` profile of palisade into phases.

    python3 bench/perf_phases.py PERF.DATA...

Each sample goes to the first phase (in the order below) one of whose
functions is on its stack, so the kernel and allocator work a phase causes
counts for that phase. Approximate: deep stacks can be cut short by perf's
16 KB stack copy, and such samples land in "other".
"""

import collections
import subprocess
import sys

PHASES = [
    ("JSON report rendering (palisade_report, serde_json, writes)", ["palisade_report"]),
    ("YAML parsing (palisade_yaml)", ["palisade_yaml"]),
    ("rules (palisade_k8s, palisade_docker)", ["palisade_k8s", "palisade_docker"]),
    ("discovery (directory walk, ignore files)", ["discover"]),
    ("reading files (open/read, mostly in the kernel)", ["palisade_engine::read::Source"]),
    ("engine: suppressions, sorting and merging findings", ["palisade_engine"]),
]


def main() -> int:
    counts: collections.Counter = collections.Counter()
    total = 0
    for path in sys.argv[1:]:
        out = subprocess.run(["perf", "script", "-i", path, "-F", "ip,sym"],
                             capture_output=True, text=True, check=True).stdout
        for stack in out.strip().split("\n\n"):
            total += 1
            for name, keys in PHASES:
                if any(k in stack for k in keys):
                    counts[name] += 1
                    break
            else:
                counts["other (process start and exit, allocator, kernel)"] += 1
    for name, n in counts.most_common():
        print(f"{100 * n / max(total, 1):5.1f}%  {name}")
    print(f"({total} samples)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
