"""Scores CVSS vectors with Red Hat's `cvss` library, for Palisade's
differential tests: reads one vector a line, writes its base score or
"error". argv[1]: the folder the library is installed in."""
import sys

sys.path.insert(0, sys.argv[1])
from cvss import CVSS2, CVSS3, CVSS4  # noqa: E402

out = []
for line in sys.stdin:
    v = line.rstrip("\n")
    try:
        if v.startswith("CVSS:4"):
            s = CVSS4(v).base_score
        elif v.startswith("CVSS:3"):
            s = CVSS3(v).base_score
        else:
            s = CVSS2(v).base_score
        out.append("%.1f" % float(s))
    except Exception:
        out.append("error")
sys.stdout.write("\n".join(out) + ("\n" if out else ""))
