//! Commented facts files (`freeport transfer init`): a scenario's example facts with every key
//! explained from the facts format's own JSON Schema ([`facts_schema`]) — the description above
//! each key or table, and the allowed values of a key that takes one of a fixed set — so the
//! comments can never disagree with what the loader accepts. The example's own comments and
//! values are kept; only comments are added.

use serde_json::Value;
use toml_edit::{DocumentMut, Item, Table};

use crate::facts::facts_schema;

/// The widest comment line written.
const WIDTH: usize = 96;

/// The example could not be read as TOML.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("the facts example `{name}` is not TOML: {message}")]
#[diagnostic(code(freeport::facts::template))]
pub struct TemplateError {
    name: String,
    message: String,
}

/// `example` (a facts file, TOML) with the schema's explanation above every key and table.
///
/// # Errors
///
/// [`TemplateError`] when `example` is not TOML (`name` names it).
pub fn commented_facts(name: &str, example: &str) -> Result<String, TemplateError> {
    let mut document: DocumentMut =
        example
            .parse()
            .map_err(|e: toml_edit::TomlError| TemplateError {
                name: name.to_owned(),
                message: e.message().to_owned(),
            })?;
    let schema = facts_schema();
    comment_table(&schema, &schema, document.as_table_mut());
    Ok(document.to_string())
}

/// `schema` (a part of `root`, the facts schema) with `$ref` followed and an optional (`anyOf`
/// with `null`) unwrapped.
#[must_use]
pub fn resolve_schema<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    let mut current = schema;
    for _ in 0..8 {
        if let Some(reference) = current.get("$ref").and_then(Value::as_str) {
            let Some(name) = reference.strip_prefix("#/$defs/") else {
                return current;
            };
            match root.get("$defs").and_then(|d| d.get(name)) {
                Some(target) => current = target,
                None => return current,
            }
        } else if let Some(options) = current.get("anyOf").and_then(Value::as_array) {
            let mut real = options
                .iter()
                .filter(|o| o.get("type").and_then(Value::as_str) != Some("null"));
            match (real.next(), real.next()) {
                (Some(only), None) => current = only,
                _ => return current,
            }
        } else {
            return current;
        }
    }
    current
}

/// The first description on the way from `schema` to what it resolves to.
fn description(root: &Value, schema: &Value) -> Option<String> {
    let mut current = schema;
    for _ in 0..8 {
        if let Some(text) = current.get("description").and_then(Value::as_str) {
            return Some(text.to_owned());
        }
        let next = resolve_schema(root, current);
        if std::ptr::eq(next, current) {
            return None;
        }
        current = next;
    }
    None
}

/// The fixed values a key takes, if it takes one of a set (`oneOf` constants or `enum`).
fn values(root: &Value, schema: &Value) -> Vec<String> {
    let resolved = resolve_schema(root, schema);
    let constants = resolved
        .get("oneOf")
        .and_then(Value::as_array)
        .map(|options| {
            options
                .iter()
                .filter_map(|o| match (o.get("const"), o.get("type")) {
                    (Some(Value::String(c)), _) => Some(format!("\"{c}\"")),
                    (_, Some(Value::String(t))) if t == "boolean" => Some("true, false".into()),
                    _ => None,
                })
                .collect::<Vec<_>>()
        });
    match constants {
        Some(found) if !found.is_empty() => found,
        _ => resolved
            .get("enum")
            .and_then(Value::as_array)
            .map(|e| {
                e.iter()
                    .filter_map(Value::as_str)
                    .map(|v| format!("\"{v}\""))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Rustdoc's link brackets (``[`FACTS_FORMAT`]``) read as the name.
fn plain(text: &str) -> String {
    text.replace("[`", "`").replace("`]", "`")
}

/// `words` as comment lines of at most [`WIDTH`] characters.
fn wrap(words: &str, out: &mut String) {
    let mut line = String::from("#");
    for word in words.split_whitespace() {
        if line.len() > 1 && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    if line.len() > 1 {
        out.push_str(&line);
        out.push('\n');
    }
}

/// The comment for a key of schema `schema`.
fn comment(root: &Value, schema: &Value) -> String {
    let mut out = String::new();
    if let Some(text) = description(root, schema) {
        for paragraph in plain(&text).split("\n\n") {
            wrap(paragraph, &mut out);
        }
    }
    let values = values(root, schema);
    if !values.is_empty() {
        wrap(&format!("One of: {}.", values.join(", ")), &mut out);
    }
    out
}

/// `existing` decor with `added` after it (a blank line between a table and the previous one
/// is kept first).
fn prefixed(existing: Option<&str>, added: &str) -> String {
    let existing = existing.unwrap_or_default();
    format!("{existing}{added}")
}

/// The schema of the items of an array schema.
fn items<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    resolve_schema(
        root,
        resolve_schema(root, schema)
            .get("items")
            .unwrap_or(&Value::Null),
    )
}

fn comment_table(root: &Value, schema: &Value, table: &mut Table) {
    let resolved = resolve_schema(root, schema);
    let properties = resolved.get("properties");
    for (mut key, item) in table.iter_mut() {
        let Some(property) = properties.and_then(|p| p.get(key.get())) else {
            continue;
        };
        let text = comment(root, property);
        match item {
            Item::Table(inner) => {
                let existing = inner
                    .decor()
                    .prefix()
                    .and_then(|p| p.as_str())
                    .map(str::to_owned);
                let blank = if existing.as_deref().is_some_and(|e| !e.is_empty()) {
                    ""
                } else {
                    "\n"
                };
                inner.decor_mut().set_prefix(prefixed(
                    Some(&format!("{blank}{}", existing.unwrap_or_default())),
                    &text,
                ));
                comment_table(root, property, inner);
            }
            Item::ArrayOfTables(array) => {
                let item_schema = items(root, property);
                for (i, inner) in array.iter_mut().enumerate() {
                    if i == 0 {
                        let existing = inner
                            .decor()
                            .prefix()
                            .and_then(|p| p.as_str())
                            .map(str::to_owned);
                        inner
                            .decor_mut()
                            .set_prefix(prefixed(existing.as_deref(), &text));
                        comment_table(root, item_schema, inner);
                    }
                }
            }
            Item::Value(_) => {
                let existing = key
                    .leaf_decor()
                    .prefix()
                    .and_then(|p| p.as_str())
                    .map(str::to_owned);
                key.leaf_decor_mut()
                    .set_prefix(prefixed(existing.as_deref(), &text));
            }
            Item::None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"# An example.
format = 1
date = "2026-06-15"
scenario = "contract_shopping"
transaction = "vendor"

[exporter]
name = "Example Co."
jurisdiction = "cn"

[[data.inventory]]
category = "person.name"
individuals = 10
collected_in = "cn"
form = "raw"

[[data.inventory]]
category = "contact.phone"
individuals = 10
collected_in = "cn"
form = "raw"
"#;

    #[test]
    fn every_key_is_explained_and_the_values_are_unchanged() {
        let commented = commented_facts("example.toml", EXAMPLE).unwrap();
        assert!(
            commented.starts_with("# An example.\n# Format version"),
            "{commented}"
        );
        assert!(
            commented.contains("# One of: \"international_trade\""),
            "{commented}"
        );
        assert!(
            commented.contains("\"raw\", \"pseudonymised\""),
            "{commented}"
        );
        for line in commented.lines() {
            assert!(line.chars().count() <= WIDTH, "too wide: {line}");
        }
        // Only comments were added: the same document without them.
        let strip = |text: &str| -> toml::Table { toml::from_str(text).unwrap() };
        assert_eq!(strip(&commented), strip(EXAMPLE));
        // The second inventory entry is not explained again.
        assert_eq!(
            commented.matches("# Raw, pseudonymised").count(),
            1,
            "{commented}"
        );
    }

    #[test]
    fn a_broken_example_is_named() {
        let error = commented_facts("broken.toml", "date = ").unwrap_err();
        assert!(error.to_string().contains("broken.toml"), "{error}");
    }
}
