//! The field a finding points at, as a path (`spec.containers[0].image`),
//! found from the finding's position in the evaluated JSON.

use palisade_yaml::{Node, Value};

/// The path of the value or key at `line`:`column` under `root`.
pub fn at(root: &Node, line: u32, column: u32) -> Option<String> {
    let mut path = String::new();
    find(root, line, column, &mut path, 0).then_some(path)
}

fn find(node: &Node, line: u32, column: u32, path: &mut String, depth: usize) -> bool {
    if node.pos.line == line && node.pos.col == column {
        return true;
    }
    // Trees are depth-limited when parsed; this bounds the walk again.
    if depth > 512 {
        return false;
    }
    let len = path.len();
    match &node.value {
        Value::Map(map) => {
            for (key, value) in map.iter() {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&key.text);
                if (key.pos.line == line && key.pos.col == column)
                    || find(value, line, column, path, depth + 1)
                {
                    return true;
                }
                path.truncate(len);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push_str(&format!("[{i}]"));
                if find(item, line, column, path, depth + 1) {
                    return true;
                }
                path.truncate(len);
            }
        }
        _ => {}
    }
    false
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use palisade_yaml::{Limits, parse_stream};

    #[test]
    fn finds_nested_fields() {
        let text = "{\"spec\": {\"containers\": [{\"name\": \"a\"}, {\"name\": \"b\", \"image\": \"x\"}]}}";
        let stream = parse_stream(text, &Limits::default());
        let root = &stream.documents[0].root;
        let col = text.find("\"x\"").unwrap() as u32 + 1;
        assert_eq!(
            at(root, 1, col).as_deref(),
            Some("spec.containers[1].image")
        );
        assert_eq!(at(root, 9, 9), None);
    }
}
