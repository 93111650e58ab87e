//! The exporter's "new filing" form (issue 18 item 2), drawn from the facts schema
//! ([`freeport_policy::facts_schema`], the one `freeport judge --schema` prints and the API
//! serves), never from a copy of its fields: each field's title in English or Chinese
//! (`title`, `x-zh-title`), its help with its citation (`description`, `x-zh-description`),
//! its default, and its kind (a choice, a yes/no/unknown fact, a number, a date, a list, a group,
//! rows of a table).
//!
//! Tables (inventory lines, parties, a party's owners, precisions) are rows: the form shows the
//! rows sent plus one empty, an "add a row" button posts the form back with one more (nothing is
//! filed then), and a row left empty is dropped. It works without script and by keyboard.
//!
//! The browser's fields are named by their place in the facts (`exporter.name`,
//! `data.inventory.0.category`, a table's row key `parties.0._key`). [`read`] turns them into
//! facts JSON, checking each field against its schema first (required, a number, a date, one of
//! the choices); the port then files that JSON through [`freeport_port::Port::file_document`],
//! the call the upload makes, and its own refusals are put next to the field they name.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use freeport_policy::{FactsFormat, facts_schema, resolve_schema};
use freeport_port::PortError;
use freeport_report::Lang;
use freeport_store::docket::Role;
use maud::{Markup, html};
use serde_json::{Map, Value};

use super::actions::{redirect_to, signed_form};
use super::i18n::{self, t};
use super::{Context, LangSwitch, Web};

/// The form's page.
const PATH: &str = "/filings/new";

/// The facts schema, made once.
fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(facts_schema)
}

/// Facts the port supplies itself and refuses from an exporter (it counts with its own volumes).
const PORT_SUPPLIED: [&str; 1] = ["prior_volumes"];

/// A table row's key field (`parties.0._key`) and a scalar value in a keyed table
/// (`data.geolocation_precision_metres.0._value`).
const KEY: &str = "_key";
const VALUE: &str = "_value";

/// The values the browser sent, by field name.
#[derive(Debug, Default)]
pub(super) struct Sent {
    values: BTreeMap<String, Vec<String>>,
}

impl Sent {
    pub(super) fn new(pairs: Vec<(String, String)>) -> Self {
        let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in pairs {
            values.entry(name).or_default().push(value);
        }
        Self { values }
    }

    /// The first value of `name`, trimmed ("" when none).
    fn one(&self, name: &str) -> &str {
        self.values
            .get(name)
            .and_then(|v| v.first())
            .map_or("", |v| v.trim())
    }

    /// Every non-empty value of `name`.
    fn all(&self, name: &str) -> Vec<&str> {
        self.values
            .get(name)
            .into_iter()
            .flatten()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// Whether anything was written at `path` or under it.
    fn any_under(&self, path: &str) -> bool {
        let nested = format!("{path}.");
        self.values
            .range(path.to_owned()..)
            .take_while(|(name, _)| name.as_str() == path || name.starts_with(&nested))
            .any(|(_, values)| values.iter().any(|v| !v.trim().is_empty()))
    }

    /// How many rows of the table at `path` were sent (empty ones included).
    fn rows(&self, path: &str) -> usize {
        let nested = format!("{path}.");
        self.values
            .range(nested.clone()..)
            .take_while(|(name, _)| name.starts_with(&nested))
            .filter_map(|(name, _)| {
                let rest = name.get(nested.len()..)?;
                rest.split('.').next()?.parse::<usize>().ok()
            })
            .max()
            .map_or(0, |last| last + 1)
    }
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Problem {
    /// A check of the form's own, as a locale key.
    Form(&'static str),
    /// The port's refusal, in its words (English).
    Port(String),
}

/// The refusals of a form, by field name; `""` for those that name no field of the form.
pub(super) type Problems = BTreeMap<String, Problem>;

/// One of a field's fixed choices.
struct Choice<'s> {
    value: &'s str,
    schema: &'s Value,
}

/// What a part of the schema asks for.
enum Kind<'s> {
    /// Named fields (`properties`), some `required`.
    Group(&'s Map<String, Value>, Vec<&'s str>),
    /// A table keyed by a name of the exporter's choice (`additionalProperties`).
    Keyed(&'s Value),
    /// A table of rows (an array of objects).
    Rows(&'s Value),
    /// Any number of fixed choices (an array of them).
    Several(Vec<Choice<'s>>),
    /// A list of words, separated by commas.
    Words,
    /// One of fixed choices.
    One(Vec<Choice<'s>>),
    /// `true`, `false` or `"unknown"`.
    Tri,
    /// A whole number, at least 0.
    Count,
    /// A decimal number.
    Number,
    /// A day.
    Date,
    /// Text.
    Text,
}

fn choices(schema: &Value) -> Option<Vec<Choice<'_>>> {
    let options = schema.get("oneOf")?.as_array()?;
    options
        .iter()
        .map(|o| {
            Some(Choice {
                value: o.get("const")?.as_str()?,
                schema: o,
            })
        })
        .collect()
}

fn is_tri(schema: &Value) -> bool {
    schema
        .get("oneOf")
        .and_then(Value::as_array)
        .is_some_and(|o| {
            o.iter()
                .any(|c| c.get("type") == Some(&Value::from("boolean")))
        })
}

fn kind<'s>(root: &'s Value, schema: &'s Value) -> Kind<'s> {
    let schema = resolve_schema(root, schema);
    if is_tri(schema) {
        return Kind::Tri;
    }
    if let Some(choices) = choices(schema) {
        return Kind::One(choices);
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        return Kind::Group(properties, required);
    }
    if let Some(value) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        return Kind::Keyed(value);
    }
    // An optional value's type is `[type, "null"]`.
    let type_name = match schema.get("type") {
        Some(Value::String(name)) => Some(name.as_str()),
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(Value::as_str)
            .find(|name| *name != "null"),
        _ => None,
    };
    match type_name {
        Some("array") => {
            let items = schema.get("items").unwrap_or(&Value::Null);
            let item = resolve_schema(root, items);
            if let Some(choices) = choices(item) {
                Kind::Several(choices)
            } else if item.get("properties").is_some() {
                Kind::Rows(items)
            } else {
                Kind::Words
            }
        }
        Some("integer") => Kind::Count,
        Some("number") => Kind::Number,
        Some("string") if schema.get("format") == Some(&Value::from("date")) => Kind::Date,
        _ => Kind::Text,
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// The fields of the root group the form asks for.
fn asked<'s>(
    path: &str,
    properties: &'s Map<String, Value>,
) -> impl Iterator<Item = (&'s String, &'s Value)> {
    let root = path.is_empty();
    properties
        .iter()
        .filter(move |(name, _)| !(root && PORT_SUPPLIED.contains(&name.as_str())))
}

/// The facts the form holds, as JSON for the facts loader, or what is wrong with its fields.
///
/// # Errors
///
/// Each field's problem, by field name, when any field is wrong.
pub(super) fn read(schema: &Value, sent: &Sent) -> Result<Value, Problems> {
    let mut reader = Reader {
        root: schema,
        sent,
        problems: Problems::new(),
    };
    let facts = reader.group(schema, "", true);
    if reader.problems.is_empty() {
        Ok(facts.unwrap_or(Value::Null))
    } else {
        Err(reader.problems)
    }
}

struct Reader<'a> {
    root: &'a Value,
    sent: &'a Sent,
    problems: Problems,
}

impl Reader<'_> {
    fn refuse(&mut self, path: &str, key: &'static str) {
        self.problems
            .entry(path.to_owned())
            .or_insert(Problem::Form(key));
    }

    /// A group (an object with named fields) at `path`; an optional one only when something in
    /// it was written.
    fn group(&mut self, schema: &Value, path: &str, required: bool) -> Option<Value> {
        let Kind::Group(properties, needed) = kind(self.root, schema) else {
            return self.field(schema, path, required);
        };
        if !required && !self.sent.any_under(path) {
            return None;
        }
        let mut object = Map::new();
        for (name, property) in asked(path, properties) {
            let child = join(path, name);
            if let Some(value) = self.field(property, &child, needed.contains(&name.as_str())) {
                object.insert(name.clone(), value);
            }
        }
        Some(Value::Object(object))
    }

    fn field(&mut self, schema: &Value, path: &str, required: bool) -> Option<Value> {
        let value = self.sent.one(path);
        let missing = |reader: &mut Self| {
            if required {
                reader.refuse(path, "form.error.required");
            }
            None
        };
        match kind(self.root, schema) {
            Kind::Group(..) => self.group(schema, path, required),
            Kind::Rows(item) => {
                let rows: Vec<Value> = (0..self.sent.rows(path))
                    .map(|n| join(path, &n.to_string()))
                    .filter(|row| self.sent.any_under(row))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .filter_map(|row| self.group(item, &row, true))
                    .collect();
                (required || !rows.is_empty()).then_some(Value::Array(rows))
            }
            Kind::Keyed(item) => {
                let mut table = Map::new();
                for n in 0..self.sent.rows(path) {
                    let row = join(path, &n.to_string());
                    if !self.sent.any_under(&row) {
                        continue;
                    }
                    let key_field = join(&row, KEY);
                    let key = self.sent.one(&key_field).to_owned();
                    let value = if matches!(kind(self.root, item), Kind::Group(..)) {
                        self.group(item, &row, true)
                    } else {
                        self.field(item, &join(&row, VALUE), true)
                    };
                    if key.is_empty() {
                        self.refuse(&key_field, "form.error.required");
                    } else if table.contains_key(&key) {
                        self.refuse(&key_field, "form.error.duplicate");
                    } else if let Some(value) = value {
                        table.insert(key, value);
                    }
                }
                (required || !table.is_empty()).then_some(Value::Object(table))
            }
            Kind::Several(choices) => {
                let mut picked = Vec::new();
                for value in self.sent.all(path) {
                    if choices.iter().any(|c| c.value == value) {
                        picked.push(Value::from(value));
                    } else {
                        self.refuse(path, "form.error.choice");
                    }
                }
                (required || !picked.is_empty()).then_some(Value::Array(picked))
            }
            Kind::Words => {
                let words: Vec<Value> = self
                    .sent
                    .all(path)
                    .into_iter()
                    .flat_map(|v| v.split(','))
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(Value::from)
                    .collect();
                (required || !words.is_empty()).then_some(Value::Array(words))
            }
            _ if value.is_empty() => missing(self),
            Kind::One(choices) => {
                if choices.iter().any(|c| c.value == value) {
                    Some(Value::from(value))
                } else {
                    self.refuse(path, "form.error.choice");
                    None
                }
            }
            Kind::Tri => match value {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                "unknown" => Some(Value::from("unknown")),
                _ => {
                    self.refuse(path, "form.error.choice");
                    None
                }
            },
            Kind::Count => {
                let count = value.parse::<u64>().ok();
                if count.is_none() {
                    self.refuse(path, "form.error.count");
                }
                count.map(Value::from)
            }
            Kind::Number => {
                let number = value
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .and_then(serde_json::Number::from_f64);
                if number.is_none() {
                    self.refuse(path, "form.error.number");
                }
                number.map(Value::Number)
            }
            Kind::Date => {
                let date = value.parse::<jiff::civil::Date>().ok();
                if date.is_none() {
                    self.refuse(path, "form.error.date");
                }
                date.map(|d| Value::from(d.to_string()))
            }
            Kind::Text => Some(Value::from(value)),
        }
    }
}

/// The field name of the form that a facts path of the loader names (`data.inventory[2].form`,
/// `parties.acme.kind`): rows by number, keyed rows by the row holding that key. A path the form
/// has no field for gives its nearest group, else `""`.
pub(super) fn field_of(schema: &Value, sent: &Sent, facts_path: &str) -> String {
    let normalised = facts_path.replace('[', ".").replace(']', "");
    let mut path = String::new();
    let mut current = schema;
    for part in normalised.split('.').filter(|p| !p.is_empty()) {
        match kind(schema, current) {
            Kind::Group(properties, _) => match properties.get(part) {
                Some(property) => {
                    path = join(&path, part);
                    current = property;
                }
                None => break,
            },
            Kind::Rows(item) => {
                path = join(&path, part);
                current = item;
            }
            Kind::Keyed(item) => {
                let row = (0..sent.rows(&path))
                    .find(|n| sent.one(&join(&join(&path, &n.to_string()), KEY)) == part);
                let Some(row) = row else { break };
                path = join(&path, &row.to_string());
                if !matches!(kind(schema, item), Kind::Group(..)) {
                    path = join(&path, VALUE);
                    break;
                }
                current = item;
            }
            _ => break,
        }
    }
    path
}

/// What the form draws, beyond the schema: the language, what was sent, the problems, and the
/// table the "add a row" button asked one more row of.
pub(super) struct Draw<'a> {
    pub root: &'a Value,
    pub lang: Lang,
    pub sent: &'a Sent,
    pub problems: &'a Problems,
    pub add: Option<&'a str>,
}

fn id_of(path: &str) -> String {
    format!("f-{}", path.replace('.', "-"))
}

/// The first of `keys` on `schema` or, following `$ref`, on what it names.
fn text<'s>(root: &'s Value, schema: &'s Value, key: &str) -> Option<&'s str> {
    schema
        .get(key)
        .or_else(|| resolve_schema(root, schema).get(key))
        .and_then(Value::as_str)
}

/// Help in the schema's words, `code` in backticks (rustdoc's `[`X`]` links unbracketed).
fn help_text(help: &str) -> Markup {
    let help = help.replace("[`", "`").replace("`]", "`");
    html! {
        @for (n, part) in help.split('`').enumerate() {
            @if n % 2 == 1 { code lang="und" { (part) } } @else { (part) }
        }
    }
}

impl Draw<'_> {
    fn title<'s>(&self, schema: &'s Value, fallback: &'s str) -> &'s str {
        let key = match self.lang {
            Lang::En => "title",
            Lang::Zh => "x-zh-title",
        };
        schema.get(key).and_then(Value::as_str).unwrap_or(fallback)
    }

    fn help(&self, schema: &Value) -> Option<Markup> {
        let key = match self.lang {
            Lang::En => "description",
            Lang::Zh => "x-zh-description",
        };
        text(self.root, schema, key).map(help_text)
    }

    fn problem(&self, path: &str, id: &str) -> Markup {
        html! {
            @match self.problems.get(path) {
                Some(Problem::Form(key)) => {
                    p.error id={ (id) "-error" } { (t(self.lang, key)) }
                }
                Some(Problem::Port(message)) => {
                    p.error id={ (id) "-error" } {
                        (t(self.lang, "form.error.port")) " " span lang="en" { (message) }
                    }
                }
                None => {}
            }
        }
    }

    fn described_by(&self, path: &str, id: &str, help: bool) -> Option<String> {
        let mut ids = Vec::new();
        if help {
            ids.push(format!("{id}-help"));
        }
        if self.problems.contains_key(path) {
            ids.push(format!("{id}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    /// The whole form's fields.
    pub(super) fn fields(&self) -> Markup {
        match kind(self.root, self.root) {
            Kind::Group(properties, needed) => html! {
                @for (name, property) in asked("", properties) {
                    (self.field(property, name, name, needed.contains(&name.as_str())))
                }
            },
            _ => html! {},
        }
    }

    fn choice_label(&self, choice: &Choice<'_>) -> String {
        self.title(choice.schema, choice.value).to_owned()
    }

    fn field(&self, schema: &Value, path: &str, name: &str, required: bool) -> Markup {
        let id = id_of(path);
        let title = self.title(schema, name);
        let help = self.help(schema);
        let value = self.sent.one(path);
        let default = schema
            .get("default")
            .filter(|d| d.is_number() || d.is_string());
        let value = match (value, default) {
            ("", Some(Value::Number(n))) if self.sent.values.is_empty() => n.to_string(),
            ("", Some(Value::String(s))) if self.sent.values.is_empty() => s.clone(),
            (v, _) => v.to_owned(),
        };
        let invalid = self.problems.contains_key(path).then_some("true");
        let described = self.described_by(path, &id, help.is_some());
        let label = html! {
            label for=(id) {
                (title)
                @if required { " " span.required { (t(self.lang, "form.required")) } }
            }
        };
        let help_line =
            html! { @if let Some(help) = &help { p.help id={ (id) "-help" } { (help) } } };
        match kind(self.root, schema) {
            Kind::Group(properties, needed) => {
                let open = !required
                    && (self.sent.any_under(path)
                        || self.problems.keys().any(|p| p.starts_with(path)));
                let body = html! {
                    fieldset.group {
                        legend { (title) }
                        (help_line)
                        (self.problem(path, &id))
                        @for (child, property) in asked(path, properties) {
                            (self.field(property, &join(path, child), child, needed.contains(&child.as_str())))
                        }
                    }
                };
                html! {
                    @if required {
                        (body)
                    } @else {
                        details.optional open[open] {
                            summary { (title) " " span.hint { (t(self.lang, "form.optional")) } }
                            (body)
                        }
                    }
                }
            }
            Kind::Rows(item) | Kind::Keyed(item) => self.table(schema, item, path, title, help),
            Kind::Several(choices) => {
                let picked = self.sent.all(path);
                html! {
                    fieldset.choices id=(id) aria-describedby=[described] {
                        legend { (title) }
                        (help_line)
                        @for (n, choice) in choices.iter().enumerate() {
                            label {
                                input type="checkbox" name=(path) value=(choice.value)
                                    id={ (id) "-" (n) } checked[picked.contains(&choice.value)];
                                " " (self.choice_label(choice))
                            }
                        }
                        (self.problem(path, &id))
                    }
                }
            }
            Kind::One(choices) => html! {
                div.field {
                    (label)
                    select id=(id) name=(path) aria-invalid=[invalid] aria-describedby=[described] {
                        option value="" { (t(self.lang, "form.choose")) }
                        @for choice in &choices {
                            option value=(choice.value) selected[value == choice.value] { (self.choice_label(choice)) }
                        }
                    }
                    (help_line)
                    (self.problem(path, &id))
                }
            },
            Kind::Tri => html! {
                div.field {
                    (label)
                    select id=(id) name=(path) aria-invalid=[invalid] aria-describedby=[described] {
                        option value="" { (t(self.lang, "form.choose")) }
                        @for word in ["true", "false", "unknown"] {
                            option value=(word) selected[value == word] { (i18n::report_word(self.lang, "tri", word)) }
                        }
                    }
                    (help_line)
                    (self.problem(path, &id))
                }
            },
            kind => {
                let (input_type, mode, step) = match kind {
                    Kind::Count => ("text", Some("numeric"), None),
                    Kind::Number => ("text", Some("decimal"), None::<&str>),
                    Kind::Date => ("date", None, None),
                    _ => ("text", None, None),
                };
                html! {
                    div.field {
                        (label)
                        input id=(id) type=(input_type) name=(path) value=(value) inputmode=[mode] step=[step]
                            aria-invalid=[invalid] aria-describedby=[described];
                        (help_line)
                        (self.problem(path, &id))
                    }
                }
            }
        }
    }

    /// A table: its rows as sent plus one empty (two after "add a row" on it), each row a
    /// fieldset numbered for screen readers, and the button.
    fn table(
        &self,
        schema: &Value,
        item: &Value,
        path: &str,
        title: &str,
        help: Option<Markup>,
    ) -> Markup {
        let id = id_of(path);
        let keyed = matches!(kind(self.root, schema), Kind::Keyed(_));
        let sent = self.sent.rows(path);
        let shown = if sent == 0 { 1 } else { sent } + usize::from(self.add == Some(path));
        let row_title = t(self.lang, "form.row");
        html! {
            fieldset.table id=(id) {
                legend { (title) }
                @if let Some(help) = help { p.help { (help) } }
                p.help { (t(self.lang, "form.rows_help")) }
                (self.problem(path, &id))
                @for n in 0..shown {
                    @let row = join(path, &n.to_string());
                    fieldset.row {
                        legend { (row_title.replace("{n}", &(n + 1).to_string())) }
                        @if keyed {
                            @let key = join(&row, KEY);
                            @let key_id = id_of(&key);
                            @let invalid = self.problems.contains_key(&key).then_some("true");
                            div.field {
                                label for=(key_id) { (t(self.lang, "form.key")) " " span.required { (t(self.lang, "form.required")) } }
                                input id=(key_id) type="text" name=(key) value=(self.sent.one(&key))
                                    aria-invalid=[invalid] aria-describedby=[self.described_by(&key, &key_id, false)];
                                (self.problem(&key, &key_id))
                            }
                        }
                        @match kind(self.root, item) {
                            Kind::Group(properties, needed) => {
                                @for (child, property) in asked(&row, properties) {
                                    (self.field(property, &join(&row, child), child, needed.contains(&child.as_str())))
                                }
                            }
                            _ => {
                                (self.field(item, &join(&row, VALUE), title, true))
                            }
                        }
                    }
                }
                button type="submit" name="_add" value=(path) formnovalidate {
                    (t(self.lang, "form.add_row")) span.visually-hidden { " — " (title) }
                }
            }
        }
    }
}

/// The page: the form with what was sent, each field's problem beside it.
fn page(
    context: &Context,
    status: StatusCode,
    sent: &Sent,
    problems: &Problems,
    add: Option<&str>,
) -> Response {
    let lang = context.lang;
    let draw = Draw {
        root: schema(),
        lang,
        sent,
        problems,
        add,
    };
    let submit = html! { button type="submit" { (t(lang, "form.submit")) } };
    let body = html! {
        p { (t(lang, "form.intro")) " " a href="/filings" { (t(lang, "form.upload_instead")) } }
        @if !problems.is_empty() {
            div.error role="alert" {
                p { (t(lang, "form.refused")) }
                @if let Some(Problem::Port(message)) = problems.get("") {
                    p { (t(lang, "form.error.port")) " " span lang="en" { (message) } }
                }
            }
        }
        form.stacked.facts method="post" action=(PATH) novalidate {
            input type="hidden" name="csrf" value=(context.csrf.as_deref().unwrap_or(""));
            // The first submit button is the one Enter presses: filing, not adding a row.
            (submit)
            (draw.fields())
            (submit)
        }
    };
    context.page(status, t(lang, "form.title"), body)
}

/// Exporters only: anyone else is shown the port's refusal.
fn refused_role(context: &Context, role: Role) -> Option<Response> {
    (role != Role::Exporter).then(|| {
        context.error(&PortError::Forbidden {
            role,
            action: "file transfers",
        })
    })
}

/// `GET /filings/new`: the empty form, with the schema's defaults.
pub(super) async fn form(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(switch): Query<LangSwitch>,
) -> Response {
    let context = Context::new(&web, &headers, &switch, PATH);
    let Some(who) = &context.who else {
        return super::redirect("/login");
    };
    if let Some(refused) = refused_role(&context, who.role) {
        return refused;
    }
    page(
        &context,
        StatusCode::OK,
        &Sent::default(),
        &Problems::new(),
        None,
    )
}

/// `POST /filings/new`: one more row of a table (`_add`), or the facts filed through
/// [`freeport_port::Port::file_document`] as JSON; refused, the form again with what was typed
/// and each problem beside its field, and nothing filed.
pub(super) async fn file(
    State(web): State<Web>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let (context, who) = match signed_form(&web, &headers, PATH, &field("csrf").unwrap_or_default())
    {
        Ok(signed) => signed,
        Err(refused) => return *refused,
    };
    if let Some(refused) = refused_role(&context, who.role) {
        return refused;
    }
    let add = field("_add");
    let sent = Sent::new(pairs);
    if let Some(add) = add {
        return page(
            &context,
            StatusCode::OK,
            &sent,
            &Problems::new(),
            Some(&add),
        );
    }
    let facts = match read(schema(), &sent) {
        Ok(facts) => facts,
        Err(problems) => {
            return page(
                &context,
                StatusCode::UNPROCESSABLE_ENTITY,
                &sent,
                &problems,
                None,
            );
        }
    };
    let text = match serde_json::to_string_pretty(&facts) {
        Ok(text) => text,
        Err(e) => return context.error(&PortError::Internal(e.to_string())),
    };
    let port = Arc::clone(&web.port);
    let filed =
        crate::port_call(move || port.file_document(&who, "form.json", &text, FactsFormat::Json))
            .await;
    let mut problems = Problems::new();
    match filed {
        Ok(view) => return redirect_to(&format!("/filings/{}", view.id)),
        Err(PortError::Facts(error)) => {
            for e in std::iter::once(error.as_ref()).chain(error.others()) {
                let at = field_of(schema(), &sent, e.field().unwrap_or(""));
                problems
                    .entry(at)
                    .or_insert_with(|| Problem::Port(e.message().to_owned()));
            }
        }
        Err(PortError::Invalid { field, reason }) => {
            let facts_path = field.strip_prefix("facts.").unwrap_or(&field);
            problems.insert(field_of(schema(), &sent, facts_path), Problem::Port(reason));
        }
        Err(other) => return context.error(&other),
    }
    page(
        &context,
        StatusCode::UNPROCESSABLE_ENTITY,
        &sent,
        &problems,
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(pairs: &[(&str, &str)]) -> Sent {
        Sent::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    /// The form's fields as a browser would send them for `value` (JSON of facts).
    fn fill(
        root: &Value,
        schema: &Value,
        path: &str,
        value: &Value,
        out: &mut Vec<(String, String)>,
    ) {
        match kind(root, schema) {
            Kind::Group(properties, _) => {
                for (name, v) in value.as_object().into_iter().flatten() {
                    let property = properties.get(name).unwrap();
                    fill(root, property, &join(path, name), v, out);
                }
            }
            Kind::Rows(item) => {
                for (n, v) in value.as_array().unwrap().iter().enumerate() {
                    fill(root, item, &join(path, &n.to_string()), v, out);
                }
            }
            Kind::Keyed(item) => {
                for (n, (key, v)) in value.as_object().unwrap().iter().enumerate() {
                    let row = join(path, &n.to_string());
                    out.push((join(&row, KEY), key.clone()));
                    if matches!(kind(root, item), Kind::Group(..)) {
                        fill(root, item, &row, v, out);
                    } else {
                        fill(root, item, &join(&row, VALUE), v, out);
                    }
                }
            }
            Kind::Several(_) | Kind::Words => {
                for v in value.as_array().unwrap() {
                    out.push((path.to_owned(), v.as_str().unwrap().to_owned()));
                }
            }
            _ => {
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                out.push((path.to_owned(), text));
            }
        }
    }

    #[test]
    fn every_bundled_facts_file_can_be_filled_in_and_reads_back_the_same() {
        let schema = facts_schema();
        let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
        let mut checked = 0;
        for dir in ["port/filings", "transfers"] {
            for entry in std::fs::read_dir(format!("{examples}/{dir}")).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_none_or(|e| e != "toml") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let Ok(facts) = toml::from_str::<freeport_policy::TransferFacts>(&text) else {
                    continue;
                };
                if facts.prior_volumes.is_some() {
                    continue;
                }
                let json = serde_json::to_value(&facts).unwrap();
                let mut pairs = Vec::new();
                fill(&schema, &schema, "", &json, &mut pairs);
                let read_back = read(&schema, &Sent::new(pairs))
                    .unwrap_or_else(|p| panic!("{}: {p:?}", path.display()));
                let again: freeport_policy::TransferFacts =
                    serde_json::from_value(read_back).unwrap();
                assert_eq!(again, facts, "{}", path.display());
                checked += 1;
            }
        }
        assert!(checked >= 5, "only {checked} examples checked");
    }

    #[test]
    fn rows_and_writing_are_found_under_a_path() {
        let s = sent(&[
            ("data.inventory.0.category", "contact.phone"),
            ("data.inventory.3.category", ""),
            ("data.individuals", " "),
        ]);
        assert_eq!(s.rows("data.inventory"), 4);
        assert!(s.any_under("data.inventory.0"));
        assert!(!s.any_under("data.inventory.3"));
        assert!(!s.any_under("data.individuals"));
        assert!(!s.any_under("data.inv"));
    }

    #[test]
    fn a_form_with_wrong_fields_names_each_and_a_good_one_reads_as_facts() {
        let schema = facts_schema();
        let bad = sent(&[
            ("date", "2026-02-30"),
            ("data.inventory.0.individuals", "many"),
            ("parties.0.kind", "entity"),
            ("exporter.ciio", "perhaps"),
        ]);
        let problems = read(&schema, &bad).unwrap_err();
        assert_eq!(problems["date"], Problem::Form("form.error.date"));
        assert_eq!(
            problems["data.inventory.0.individuals"],
            Problem::Form("form.error.count")
        );
        assert_eq!(
            problems["data.inventory.0.category"],
            Problem::Form("form.error.required")
        );
        assert_eq!(
            problems["parties.0._key"],
            Problem::Form("form.error.required")
        );
        assert_eq!(
            problems["exporter.ciio"],
            Problem::Form("form.error.choice")
        );
        assert_eq!(problems["scenario"], Problem::Form("form.error.required"));
        // Optional groups nobody wrote in are not asked for.
        assert!(!problems.keys().any(|p| p.starts_with("investment")));
        assert!(!problems.keys().any(|p| p.starts_with("prior_volumes")));

        let good = sent(&[
            ("format", "2"),
            ("date", "2026-03-01"),
            ("scenario", "international_trade"),
            ("transaction", "vendor"),
            ("exporter.name", "acme"),
            ("exporter.jurisdiction", "cn"),
            ("exporter.ciio", "false"),
            ("exporter.data_broker", "unknown"),
            ("exporter.party", "acme"),
            ("recipient.name", "r"),
            ("recipient.country", "us"),
            ("recipient.relationship", "affiliate"),
            ("recipient.foreign_judicial_or_law_enforcement", "false"),
            ("recipient.cac_restricted_list", "false"),
            ("recipient.cloud_computing", "false"),
            ("data.important_data", "false"),
            ("data.us_government_related", "false"),
            ("data.subjects", "customers"),
            ("data.subjects", "users"),
            ("data.inventory.0.category", "contact.phone"),
            ("data.inventory.0.individuals", "1200"),
            ("data.inventory.0.collected_in", "cn"),
            ("data.inventory.0.form", "raw"),
            ("data.inventory.1.category", ""),
            ("parties.0._key", "acme"),
            ("parties.0.kind", "entity"),
            ("parties.0.owners.0.party", "hold"),
            ("parties.0.owners.0.percent", "12.5"),
            ("parties.0.citizenships", ""),
        ]);
        let facts = read(&schema, &good).unwrap();
        assert_eq!(facts["format"], 2);
        assert_eq!(
            facts["data"]["subjects"],
            serde_json::json!(["customers", "users"])
        );
        assert_eq!(facts["data"]["inventory"].as_array().unwrap().len(), 1);
        assert_eq!(facts["data"]["inventory"][0]["individuals"], 1200);
        assert_eq!(facts["parties"]["acme"]["owners"][0]["percent"], 12.5);
        assert_eq!(facts["exporter"]["data_broker"], "unknown");
        assert!(facts.get("mechanisms").is_none() && facts.get("dates").is_none());
        // The loader's names of fields come back to the form's.
        assert_eq!(
            field_of(&schema, &good, "data.inventory[0].category"),
            "data.inventory.0.category"
        );
        assert_eq!(
            field_of(&schema, &good, "parties.acme.kind"),
            "parties.0.kind"
        );
        assert_eq!(
            field_of(&schema, &good, "parties.acme.owners[0].percent"),
            "parties.0.owners.0.percent"
        );
        assert_eq!(field_of(&schema, &good, "nothing.here"), "");
    }
}
