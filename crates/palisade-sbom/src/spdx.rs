//! SPDX 2.3 JSON.

use crate::inventory::Inventory;
use serde_json::{Value, json};

/// The inventory as an SPDX 2.3 document describing `subject`.
pub fn document(
    inv: &Inventory,
    subject: &str,
    tool_version: &str,
    serial: &str,
    timestamp: &str,
) -> Value {
    let mut packages = vec![json!({
        "SPDXID": "SPDXRef-Subject",
        "name": subject,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "primaryPackagePurpose": "FILE",
    })];
    let mut relationships = vec![json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": "SPDXRef-Subject",
    })];
    for (i, p) in inv.packages.iter().enumerate() {
        let id = format!("SPDXRef-Package-{i}");
        let mut pkg = json!({
            "SPDXID": id,
            "name": p.name,
            "versionInfo": p.version,
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": p.purl}],
            "sourceInfo": format!("found in {}", p.found_in.display()),
        });
        if !p.licenses.is_empty()
            && let Some(obj) = pkg.as_object_mut()
        {
            obj.insert(
                "licenseComments".into(),
                Value::String(format!("declared: {}", p.licenses.join(", "))),
            );
        }
        packages.push(pkg);
        relationships.push(json!({
            "spdxElementId": "SPDXRef-Subject",
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": id,
        }));
    }
    json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": subject,
        "documentNamespace": format!("https://palisade.dev/spdx/{serial}"),
        "creationInfo": {"created": timestamp, "creators": [format!("Tool: palisade-{tool_version}")]},
        "packages": packages,
        "relationships": relationships,
    })
}
