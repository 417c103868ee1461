#!/usr/bin/env bash
# Fetches the Rego oracle: OPA v1.20.2 built as a C shared library, from the
# PyPI wheel opa-golib-python-bindings 0.4.4 (Apache-2.0), pinned by hash.
# Only libopabridge.so and the licence are used; oracle.py calls it with
# ctypes. Usage: fetch.sh DIR  (DIR/libopabridge.so is the result).
set -euo pipefail
dir=${1:?usage: fetch.sh DIR}
wheel=opa_golib_python_bindings-0.4.4-py3-none-manylinux_2_34_x86_64.whl
sha=d411c901e14b8c7c3023e23e4a944f4cf429c1d31baf80e959e57d11efbfd24a
if [ -f "$dir/libopabridge.so" ]; then exit 0; fi
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.14 \
  --platform manylinux_2_34_x86_64 -d "$tmp" opa-golib-python-bindings==0.4.4
echo "$sha  $tmp/$wheel" | sha256sum -c --quiet
python3 - "$tmp/$wheel" "$dir" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name, dest in [("opa_bindings/libopabridge.so", "libopabridge.so"),
                       ("opa_golib_python_bindings-0.4.4.dist-info/licenses/LICENSE", "LICENSE")]:
        with z.open(name) as src, open(f"{out}/{dest}", "wb") as dst:
            dst.write(src.read())
PY
