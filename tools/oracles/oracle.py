"""Orders version pairs with the package managers' own libraries, for
Palisade's differential tests (crates/palisade-vuln/tests/version_oracles.rs).

argv[1]: rpm (python3-rpm's rpm.ver) or pep440 (python3-packaging).
Reads "A<TAB>B" lines; writes -1, 0 or 1, or "error" when the library
refuses either version. Run with Debian's /usr/bin/python3.
"""
import sys

kind = sys.argv[1]
if kind == "rpm":
    import rpm

    def parse(s):
        return rpm.ver(s)

elif kind == "pep440":
    from packaging.version import InvalidVersion, Version

    def parse(s):
        return Version(s)

else:
    sys.exit("unknown kind " + kind)

out = []
for line in sys.stdin.buffer:
    a, _, b = line.rstrip(b"\n").decode("utf-8", "surrogateescape").partition("\t")
    try:
        x, y = parse(a), parse(b)
    except Exception:
        out.append("error")
        continue
    out.append("-1" if x < y else "1" if x > y else "0")
sys.stdout.write("\n".join(out) + ("\n" if out else ""))
