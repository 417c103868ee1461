//! CycloneDX 1.6 JSON.

use crate::Package;
use crate::inventory::Inventory;
use serde_json::{Value, json};

/// The inventory as a CycloneDX 1.6 BOM describing `subject`.
pub fn document(
    inv: &Inventory,
    subject: &str,
    tool_version: &str,
    serial: &str,
    timestamp: &str,
) -> Value {
    let components: Vec<Value> = inv
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| component(i, p))
        .collect();
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{serial}"),
        "version": 1,
        "metadata": {
            "timestamp": timestamp,
            "tools": {"components": [{"type": "application", "name": "palisade", "version": tool_version}]},
            "component": {"type": "file", "bom-ref": "subject", "name": subject},
        },
        "components": components,
        "dependencies": [{"ref": "subject", "dependsOn": (0..inv.packages.len()).map(|i| format!("pkg-{i}")).collect::<Vec<_>>()}],
    })
}

fn component(i: usize, p: &Package) -> Value {
    let mut c = json!({
        "type": "library",
        "bom-ref": format!("pkg-{i}"),
        "name": p.name,
        "version": p.version,
        "purl": p.purl,
        "properties": [{"name": "palisade:found_in", "value": p.found_in.display().to_string()}],
    });
    if !p.licenses.is_empty()
        && let Some(obj) = c.as_object_mut()
    {
        obj.insert(
            "licenses".into(),
            Value::Array(
                p.licenses
                    .iter()
                    .map(|l| json!({"license": {"name": l}}))
                    .collect(),
            ),
        );
    }
    c
}
