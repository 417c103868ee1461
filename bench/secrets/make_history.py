#!/usr/bin/env python3
"""Builds a git repository with a long history for the secret-scanning
benchmark, the same on every run: COMMITS commits by a few authors, each
rewriting two files with text taken (seeded) from a source tree, and every
100th commit adding a fake credential that the next commit deletes (so it
lives only in history). The credentials are generated here, never stored.

usage: make_history.py SOURCE_TREE OUT_DIR [COMMITS]
"""
import os
import random
import subprocess
import sys

src, out = sys.argv[1], sys.argv[2]
commits = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
rng = random.Random(20261122)

pool = []
for root, dirs, files in os.walk(src):
    dirs.sort()
    for f in sorted(files):
        if f.endswith((".rs", ".md", ".toml", ".json", ".yaml", ".yml", ".txt")):
            pool.append(os.path.join(root, f))
pool = [p for p in pool if 1000 < os.path.getsize(p) < 64_000]
rng.shuffle(pool)

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def fake(i):
    r = random.Random(i)
    kinds = [
        lambda: "GITHUB_TOKEN=gh" + "p_" + "".join(r.choice(ALNUM) for _ in range(36)),
        lambda: "aws_access_key_id = AK" + "IA" + "".join(r.choice(B32) for _ in range(16)),
        lambda: "SLACK=xox" + "b-%d-%d-%s" % (r.randrange(10**11, 10**12), r.randrange(10**11, 10**12),
                                              "".join(r.choice(ALNUM) for _ in range(24))),
        lambda: "STRIPE=sk" + "_live_" + "".join(r.choice(ALNUM) for _ in range(32)),
        lambda: "NPM_TOKEN=np" + "m_" + "".join(r.choice(ALNUM) for _ in range(36)),
    ]
    return kinds[(i // 100) % len(kinds)]() + "\n"


os.makedirs(out, exist_ok=True)
subprocess.run(["git", "init", "-q", "-b", "main", out], check=True)
authors = ["Ada <ada@example.com>", "Brian <brian@example.com>", "Chen <chen@example.com>"]
stream = []
when = 1_600_000_000
for c in range(commits):
    when += 3600
    files = {}
    for _ in range(2):
        p = pool[rng.randrange(len(pool))]
        name = "src/%02d/%s" % (rng.randrange(50), os.path.basename(p))
        with open(p, "rb") as fh:
            files[name] = fh.read()
    deletes = []
    if c % 100 == 1:
        files["config/secret-%d.env" % c] = fake(c).encode()
    if c % 100 == 2:
        deletes.append("config/secret-%d.env" % (c - 1))
    author = authors[c % len(authors)]
    msg = b"commit %d\n" % c
    stream.append(b"commit refs/heads/main\n")
    stream.append(b"author %s %d +0000\n" % (author.encode(), when))
    stream.append(b"committer %s %d +0000\n" % (author.encode(), when))
    stream.append(b"data %d\n%s" % (len(msg), msg))
    for name, data in files.items():
        stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (name.encode(), len(data), data))
    for name in deletes:
        stream.append(b"D %s\n" % name.encode())
subprocess.run(["git", "fast-import", "--quiet"], input=b"".join(stream), cwd=out, check=True)
subprocess.run(["git", "checkout", "-q", "main"], cwd=out, check=True)
print("%d commits, %d planted credentials (each deleted in the next commit)" % (commits, len(range(1, commits, 100))))
