"""Validates SBOMs with the official libraries, for Palisade's tests:
argv[1] the folder they are installed in, argv[2] cyclonedx|spdx,
argv[3] the file. Prints "ok" or the problems, exits 1 on problems."""
import sys

sys.path.insert(0, sys.argv[1])
kind, path = sys.argv[2], sys.argv[3]
if kind == "cyclonedx":
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(path).read())
    if errors:
        print(errors)
        sys.exit(1)
else:
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    messages = validate_full_spdx_document(parse_file(path))
    if messages:
        for m in messages:
            print(m.validation_message)
        sys.exit(1)
print("ok")
