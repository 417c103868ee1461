#!/usr/bin/env bash
# What the test suite needs beside cargo, installed if missing:
# - Debian's Go toolchain and go-yaml / sigs.k8s.io/yaml sources, which
#   build tools/yaml-oracle (crates/palisade-yaml/tests/yaml_oracle.rs);
# - python3 with pip, which fetch OPA for tools/rego-oracle
#   (crates/palisade-policy/tests/rego_oracle.rs fetches it from PyPI);
# - the package managers' own version orders for
#   crates/palisade-vuln/tests/version_oracles.rs: libdpkg (built against
#   with gcc and pkg-config), python3-rpm, python3-packaging,
#   golang-golang-x-mod-dev, Maven's maven-artifact jar and a JDK, ruby (npm's
#   semver comes from the npm registry).
set -euo pipefail
need=()
command -v go >/dev/null || need+=(golang-go)
[ -d /usr/share/gocode/src/sigs.k8s.io/yaml ] || need+=(golang-k8s-sigs-yaml-dev)
[ -d /usr/share/gocode/src/gopkg.in/yaml.v2 ] || need+=(golang-gopkg-yaml.v2-dev)
[ -d /usr/share/gocode/src/gopkg.in/yaml.v3 ] || need+=(golang-gopkg-yaml.v3-dev)
command -v python3 >/dev/null || need+=(python3)
python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
command -v gcc >/dev/null || need+=(gcc)
command -v pkg-config >/dev/null || need+=(pkg-config)
[ -f /usr/include/dpkg/version.h ] || need+=(libdpkg-dev)
/usr/bin/python3 -c 'import rpm' 2>/dev/null || need+=(python3-rpm)
/usr/bin/python3 -c 'import packaging.version' 2>/dev/null || need+=(python3-packaging)
[ -d /usr/share/gocode/src/golang.org/x/mod/semver ] || need+=(golang-golang-x-mod-dev)
command -v npm >/dev/null || need+=(npm)
command -v javac >/dev/null || need+=(default-jdk-headless)
[ -f /usr/share/maven/lib/maven-artifact-3.x.jar ] || need+=(maven)
command -v ruby >/dev/null || need+=(ruby)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${need[@]}" >/dev/null
fi
