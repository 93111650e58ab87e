//! Chip spec files (TOML): what a datasheet says about one integrated circuit, one HBM stack, or
//! one system and the ICs it contains.
//!
//! ```toml
//! name = "Example accelerator"
//! datacenter = true            # designed or marketed for use in datacenters; or "unknown"
//! [dense_rates]                # peak dense TOPS/TFLOPS (no sparsity) per precision
//! fp16 = 312.0
//! int8 = 624.0
//! [[logic_dies]]
//! area_mm2 = 826.0
//! non_planar = true            # FinFET/GAA; planar dies do not count towards the applicable area
//! [memory]                     # optional
//! dram_bandwidth_gbps = 2039.0
//! ```
//!
//! Numbers are read from their decimal text, exactly. A value that is required but not known is
//! written `"unknown"`, and the answer then depends on it ("3A090.a if …"); a value that is
//! missing, negative or of the wrong type is an error naming the field, with a span into the
//! file. Optional tables: `[memory]`, `[interconnect] bidirectional_gbps` (the 2022 I/O test,
//! the 2025 is-informed letter), `[sources]` (field → citation of the datasheet figure),
//! `other_eccn` (for `.z` items). `kind = "hbm"` takes `[hbm] bandwidth_gbps, area_mm2`;
//! `kind = "system"` takes `[[components]]`, each an IC spec with an optional `count`.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{Error, Located};
use crate::number::{Exact, NumberError};

/// A value that may be `"unknown"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known<T> {
    /// The datasheet gives it.
    Known(T),
    /// Written as `"unknown"` (or an optional table left out).
    Unknown,
}

impl<T: Serialize> Serialize for Known<T> {
    /// The value itself, or the string `"unknown"`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Known(value) => value.serialize(serializer),
            Self::Unknown => serializer.serialize_str("unknown"),
        }
    }
}

impl<T: Copy> Known<T> {
    /// The value, if known.
    #[must_use]
    pub fn get(&self) -> Option<T> {
        match self {
            Self::Known(v) => Some(*v),
            Self::Unknown => None,
        }
    }
}

/// What kind of item a spec describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An integrated circuit (3A090.a / .b).
    Ic,
    /// High bandwidth memory (3A090.c).
    Hbm,
    /// A computer, assembly or component containing ICs (4A090).
    System,
}

impl Kind {
    /// `ic`, `hbm` or `system`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ic => "ic",
            Self::Hbm => "hbm",
            Self::System => "system",
        }
    }
}

/// Precisions a spec may give, with their bit lengths (TPP multiplies the rate by it).
pub const PRECISIONS: [(&str, u32); 10] = [
    ("fp64", 64),
    ("fp32", 32),
    // TF32 operands occupy 32-bit registers; the reference names the key but not its bit
    // length [I]. Its dense rate is half the FP16 rate on the parts we know, so it never
    // decides the maximum.
    ("tf32", 32),
    ("fp16", 16),
    ("bf16", 16),
    ("fp8", 8),
    ("int8", 8),
    ("fp6", 6),
    ("fp4", 4),
    ("int4", 4),
];

/// One dense rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rate {
    /// `fp16`, `int8`, …
    pub precision: String,
    /// Its bit length.
    pub bits: u32,
    /// Peak dense TOPS/TFLOPS.
    pub value: Known<Exact>,
}

/// One logic die.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Die {
    /// Area in mm².
    pub area_mm2: Known<Exact>,
    /// Made with a non-planar transistor architecture (FinFET, GAA).
    pub non_planar: Known<bool>,
}

/// The datasheet facts of one IC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IcSpec {
    /// Dense rates by precision, in the order of [`PRECISIONS`].
    pub dense_rates: Vec<Rate>,
    /// Logic dies.
    pub logic_dies: Vec<Die>,
    /// Total DRAM bandwidth, GB/s.
    pub dram_bandwidth_gbps: Known<Exact>,
    /// Aggregate bidirectional interconnect bandwidth, GB/s.
    pub interconnect_gbps: Known<Exact>,
}

/// The datasheet facts of one HBM stack or package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HbmSpec {
    /// Package or stack bandwidth, GB/s.
    pub bandwidth_gbps: Known<Exact>,
    /// Package or stack area, mm².
    pub area_mm2: Known<Exact>,
}

/// One IC inside a system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    /// Its name.
    pub name: String,
    /// How many the system holds.
    pub count: u32,
    /// Designed or marketed for datacenters (the system's flag unless given).
    pub datacenter: Known<bool>,
    /// Its facts.
    pub ic: IcSpec,
}

/// A parsed spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChipSpec {
    /// The item's name.
    pub name: String,
    /// IC, HBM or system.
    pub kind: Kind,
    /// Designed or marketed for use in datacenters.
    pub datacenter: Known<bool>,
    /// The ECCN the item otherwise falls in, for `.z` items (`5A992`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_eccn: Option<String>,
    /// For an IC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ic: Option<IcSpec>,
    /// For HBM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hbm: Option<HbmSpec>,
    /// For a system.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
    /// Where each figure comes from (field → citation).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, String>,
}

/// `.z`-capable ECCNs a spec may name in `other_eccn` (export-controls.md §3).
pub const Z_ECCNS: [&str; 9] = [
    "3A001", "4A003", "4A004", "4A005", "5A002", "5A004", "5A992", "5D002", "5D992",
];

impl ChipSpec {
    /// Parses a spec; `file` names it in errors.
    ///
    /// # Errors
    ///
    /// [`Error::Spec`] naming the field, with a span into `text`.
    pub fn parse(file: &str, text: &str) -> Result<Self, Error> {
        let reader = Reader { file, text };
        let root = DeTable::parse(text).map_err(|e| {
            let error = Located::new(file, text, format!("invalid TOML: {}", e.message()));
            Error::spec(match e.span() {
                Some(span) => error.label(span, "here"),
                None => error,
            })
        })?;
        let whole = root.span();
        let root = root.get_ref();
        reader.allow(
            root,
            "",
            &[
                "name",
                "kind",
                "datacenter",
                "other_eccn",
                "dense_rates",
                "logic_dies",
                "memory",
                "interconnect",
                "hbm",
                "components",
                "sources",
            ],
        )?;
        let name = reader.string(reader.required(root, "", "name", whole.clone())?, "name")?;
        let kind = match reader.get(root, "kind") {
            None => Kind::Ic,
            Some(value) => match reader.string(value, "kind")?.as_str() {
                "ic" => Kind::Ic,
                "hbm" => Kind::Hbm,
                "system" => Kind::System,
                other => {
                    return Err(reader.error(
                        value.span(),
                        format!("`kind` is `{other}`"),
                        "`kind` is \"ic\" (the default), \"hbm\" or \"system\"",
                    ));
                }
            },
        };
        let datacenter = match kind {
            Kind::Hbm => reader
                .get(root, "datacenter")
                .map_or(Ok(Known::Known(false)), |v| reader.boolean(v, "datacenter"))?,
            _ => reader.boolean(
                reader.required(root, "", "datacenter", whole.clone())?,
                "datacenter",
            )?,
        };
        let other_eccn = reader
            .get(root, "other_eccn")
            .map(|value| {
                let eccn = reader.string(value, "other_eccn")?;
                if Z_ECCNS.contains(&eccn.as_str()) {
                    Ok(eccn)
                } else {
                    Err(reader.error(
                        value.span(),
                        format!("`other_eccn` is `{eccn}`, which has no `.z` paragraph"),
                        &format!("one of: {}", Z_ECCNS.join(", ")),
                    ))
                }
            })
            .transpose()?;
        let mut spec = Self {
            name,
            kind,
            datacenter,
            other_eccn,
            ic: None,
            hbm: None,
            components: Vec::new(),
            sources: BTreeMap::new(),
        };
        let forbid = |key: &str, why: &str| -> Result<(), Error> {
            match reader.get(root, key) {
                Some(value) => Err(reader.error(
                    value.span(),
                    format!("`{key}` does not apply to kind `{}`", kind.as_str()),
                    why,
                )),
                None => Ok(()),
            }
        };
        match kind {
            Kind::Ic => {
                forbid("hbm", "`[hbm]` describes `kind = \"hbm\"` items")?;
                forbid(
                    "components",
                    "`[[components]]` describe `kind = \"system\"` items",
                )?;
                spec.ic = Some(reader.ic(root, "", whole.clone())?);
            }
            Kind::Hbm => {
                for key in [
                    "dense_rates",
                    "logic_dies",
                    "memory",
                    "interconnect",
                    "components",
                ] {
                    forbid(key, "an HBM spec has `[hbm] bandwidth_gbps` and `area_mm2`")?;
                }
                let hbm = reader.required(root, "", "hbm", whole.clone())?;
                let table = reader.table(hbm, "hbm")?;
                reader.allow(table, "hbm.", &["bandwidth_gbps", "area_mm2"])?;
                spec.hbm = Some(HbmSpec {
                    bandwidth_gbps: reader.number(
                        reader.required(table, "hbm.", "bandwidth_gbps", hbm.span())?,
                        "hbm.bandwidth_gbps",
                        Positive::No,
                    )?,
                    area_mm2: reader.number(
                        reader.required(table, "hbm.", "area_mm2", hbm.span())?,
                        "hbm.area_mm2",
                        Positive::Yes,
                    )?,
                });
            }
            Kind::System => {
                for key in ["dense_rates", "logic_dies", "memory", "interconnect", "hbm"] {
                    forbid(key, "a system's ICs are given as `[[components]]`")?;
                }
                let components = reader.required(root, "", "components", whole.clone())?;
                let DeValue::Array(items) = components.get_ref() else {
                    return Err(reader.error(
                        components.span(),
                        "`components` is not an array of tables".to_owned(),
                        "write each IC as a `[[components]]` table",
                    ));
                };
                if items.is_empty() {
                    return Err(reader.error(
                        components.span(),
                        "`components` is empty".to_owned(),
                        "a system spec lists the ICs it contains",
                    ));
                }
                for (i, item) in items.iter().enumerate() {
                    let path = format!("components[{i}].");
                    let table = reader.table(item, &format!("components[{i}]"))?;
                    reader.allow(
                        table,
                        &path,
                        &[
                            "name",
                            "count",
                            "datacenter",
                            "dense_rates",
                            "logic_dies",
                            "memory",
                            "interconnect",
                        ],
                    )?;
                    let name = reader.string(
                        reader.required(table, &path, "name", item.span())?,
                        &format!("{path}name"),
                    )?;
                    let count = match reader.get(table, "count") {
                        None => 1,
                        Some(value) => reader.count(value, &format!("{path}count"))?,
                    };
                    let datacenter = match reader.get(table, "datacenter") {
                        None => spec.datacenter,
                        Some(value) => reader.boolean(value, &format!("{path}datacenter"))?,
                    };
                    let ic = reader.ic(table, &path, item.span())?;
                    spec.components.push(Component {
                        name,
                        count,
                        datacenter,
                        ic,
                    });
                }
            }
        }
        if let Some(sources) = reader.get(root, "sources") {
            let table = reader.table(sources, "sources")?;
            for (key, value) in table.iter() {
                let text = reader.string(value, &format!("sources.{}", key.get_ref()))?;
                spec.sources.insert(key.get_ref().to_string(), text);
            }
        }
        Ok(spec)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Positive {
    Yes,
    No,
}

struct Reader<'a> {
    file: &'a str,
    text: &'a str,
}

type Value<'i> = Spanned<DeValue<'i>>;

impl Reader<'_> {
    fn error(&self, span: Range<usize>, message: String, help: &str) -> Error {
        Error::spec(
            Located::new(self.file, self.text, message)
                .with_help(help)
                .label(span.start..span.end, "here"),
        )
    }

    fn get<'t, 'i>(&self, table: &'t DeTable<'i>, key: &str) -> Option<&'t Value<'i>> {
        table
            .iter()
            .find(|(k, _)| {
                let name: &str = k.get_ref();
                name == key
            })
            .map(|(_, v)| v)
    }

    fn required<'t, 'i>(
        &self,
        table: &'t DeTable<'i>,
        path: &str,
        key: &str,
        span: Range<usize>,
    ) -> Result<&'t Value<'i>, Error> {
        self.get(table, key).ok_or_else(|| {
            // A missing key points at its table (the start of the file for the root).
            let span = if path.is_empty() { 0..0 } else { span };
            self.error(
                span,
                format!("`{path}{key}` is missing"),
                "give the datasheet value, or write \"unknown\" if it is not known",
            )
        })
    }

    fn allow(&self, table: &DeTable<'_>, path: &str, keys: &[&str]) -> Result<(), Error> {
        for (key, _) in table.iter() {
            let name: &str = key.get_ref();
            if !keys.contains(&name) {
                return Err(self.error(
                    key.span(),
                    format!("unknown field `{path}{}`", key.get_ref()),
                    &format!("fields here: {}", keys.join(", ")),
                ));
            }
        }
        Ok(())
    }

    fn table<'t, 'i>(&self, value: &'t Value<'i>, path: &str) -> Result<&'t DeTable<'i>, Error> {
        match value.get_ref() {
            DeValue::Table(table) => Ok(table),
            _ => Err(self.error(
                value.span(),
                format!("`{path}` is not a table"),
                "see the spec format in `freeport chips classify --help`",
            )),
        }
    }

    fn string(&self, value: &Value<'_>, path: &str) -> Result<String, Error> {
        match value.get_ref() {
            DeValue::String(s) if !s.trim().is_empty() => Ok(s.to_string()),
            DeValue::String(_) => {
                Err(self.error(value.span(), format!("`{path}` is empty"), "give a value"))
            }
            _ => Err(self.error(
                value.span(),
                format!("`{path}` is not a string"),
                "write it in double quotes",
            )),
        }
    }

    fn is_unknown(value: &Value<'_>) -> bool {
        matches!(value.get_ref(), DeValue::String(s) if &**s == "unknown")
    }

    fn boolean(&self, value: &Value<'_>, path: &str) -> Result<Known<bool>, Error> {
        match value.get_ref() {
            DeValue::Boolean(b) => Ok(Known::Known(*b)),
            _ if Self::is_unknown(value) => Ok(Known::Unknown),
            _ => Err(self.error(
                value.span(),
                format!("`{path}` is not true, false or \"unknown\""),
                "write true, false or \"unknown\"",
            )),
        }
    }

    fn count(&self, value: &Value<'_>, path: &str) -> Result<u32, Error> {
        let span = value.span();
        let literal = self.text.get(span.clone()).unwrap_or_default();
        match value.get_ref() {
            DeValue::Integer(_) => literal
                .replace('_', "")
                .parse::<u32>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| {
                    self.error(
                        span,
                        format!("`{path}` is not a positive whole number"),
                        "how many of this IC the system holds",
                    )
                }),
            _ => Err(self.error(
                span,
                format!("`{path}` is not a whole number"),
                "how many of this IC the system holds",
            )),
        }
    }

    fn number(
        &self,
        value: &Value<'_>,
        path: &str,
        positive: Positive,
    ) -> Result<Known<Exact>, Error> {
        if Self::is_unknown(value) {
            return Ok(Known::Unknown);
        }
        let span = value.span();
        let literal = self.text.get(span.clone()).unwrap_or_default();
        let parsed = match value.get_ref() {
            DeValue::Integer(i) if i.radix() == 10 => Exact::parse(literal),
            DeValue::Float(_) => Exact::parse(literal),
            DeValue::Integer(_) => Err(NumberError::Malformed),
            _ => {
                return Err(self.error(
                    span,
                    format!("`{path}` is not a number"),
                    "write a decimal number, or \"unknown\"",
                ));
            }
        };
        let exact = parsed.map_err(|e| {
            let help = match e {
                NumberError::Negative => "datasheet rates, areas and bandwidths are never negative",
                NumberError::TooLarge => "at most 18 digits before the point and 12 after",
                NumberError::Malformed => "write a finite decimal number such as 312 or 5.92",
            };
            self.error(span.clone(), format!("`{path}` is {e}"), help)
        })?;
        if positive == Positive::Yes && exact.is_zero() {
            return Err(self.error(
                span,
                format!("`{path}` is zero"),
                "a die or package area must be greater than zero",
            ));
        }
        Ok(Known::Known(exact))
    }

    fn ic(&self, table: &DeTable<'_>, path: &str, span: Range<usize>) -> Result<IcSpec, Error> {
        let rates_value = self.required(table, path, "dense_rates", span.clone())?;
        let rates_table = self.table(rates_value, &format!("{path}dense_rates"))?;
        let known: Vec<&str> = PRECISIONS.iter().map(|(p, _)| *p).collect();
        self.allow(rates_table, &format!("{path}dense_rates."), &known)?;
        let mut dense_rates = Vec::new();
        for (precision, bits) in PRECISIONS {
            if let Some(value) = self.get(rates_table, precision) {
                dense_rates.push(Rate {
                    precision: precision.to_owned(),
                    bits,
                    value: self.number(
                        value,
                        &format!("{path}dense_rates.{precision}"),
                        Positive::No,
                    )?,
                });
            }
        }
        if dense_rates.is_empty() {
            return Err(self.error(
                rates_value.span(),
                format!("`{path}dense_rates` gives no rate"),
                &format!(
                    "give the peak dense rate of at least one precision ({})",
                    known.join(", ")
                ),
            ));
        }
        let dies_value = self.required(table, path, "logic_dies", span)?;
        let DeValue::Array(items) = dies_value.get_ref() else {
            return Err(self.error(
                dies_value.span(),
                format!("`{path}logic_dies` is not an array of tables"),
                "write each die as a `[[logic_dies]]` table",
            ));
        };
        if items.is_empty() {
            return Err(self.error(
                dies_value.span(),
                format!("`{path}logic_dies` is empty"),
                "list every logic die with its area",
            ));
        }
        let mut logic_dies = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let die_path = format!("{path}logic_dies[{i}]");
            let die = self.table(item, &die_path)?;
            self.allow(die, &format!("{die_path}."), &["area_mm2", "non_planar"])?;
            logic_dies.push(Die {
                area_mm2: self.number(
                    self.required(die, &format!("{die_path}."), "area_mm2", item.span())?,
                    &format!("{die_path}.area_mm2"),
                    Positive::Yes,
                )?,
                non_planar: self.boolean(
                    self.required(die, &format!("{die_path}."), "non_planar", item.span())?,
                    &format!("{die_path}.non_planar"),
                )?,
            });
        }
        let optional = |key: &str, field: &str| -> Result<Known<Exact>, Error> {
            let Some(value) = self.get(table, key) else {
                return Ok(Known::Unknown);
            };
            let sub = self.table(value, &format!("{path}{key}"))?;
            self.allow(sub, &format!("{path}{key}."), &[field])?;
            match self.get(sub, field) {
                Some(v) => self.number(v, &format!("{path}{key}.{field}"), Positive::No),
                None => Ok(Known::Unknown),
            }
        };
        Ok(IcSpec {
            dense_rates,
            logic_dies,
            dram_bandwidth_gbps: optional("memory", "dram_bandwidth_gbps")?,
            interconnect_gbps: optional("interconnect", "bidirectional_gbps")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        match ChipSpec::parse("spec.toml", text) {
            Err(Error::Spec(e)) => {
                let at = e.offset().map_or(String::new(), |o| format!(" @{o}"));
                format!("{}{at}", e.message())
            }
            other => panic!("expected a spec error, got {other:?}"),
        }
    }

    const A100: &str = "name = \"A100\"\ndatacenter = true\n[dense_rates]\nfp16 = 312.0\nint8 = 624\n[[logic_dies]]\narea_mm2 = 826\nnon_planar = true\n[memory]\ndram_bandwidth_gbps = 2039.0\n";

    #[test]
    fn a_spec_parses_exactly() {
        let spec = ChipSpec::parse("a.toml", A100).unwrap();
        let ic = spec.ic.unwrap();
        assert_eq!(ic.dense_rates.len(), 2);
        assert_eq!(ic.dense_rates[0].precision, "fp16");
        assert_eq!(
            ic.dense_rates[0].value,
            Known::Known(Exact::parse("312").unwrap())
        );
        assert_eq!(
            ic.dram_bandwidth_gbps,
            Known::Known(Exact::parse("2039").unwrap())
        );
        assert_eq!(ic.interconnect_gbps, Known::Unknown);
    }

    #[test]
    fn bad_input_names_the_field_with_a_span() {
        let cases = [
            (
                A100.replace("fp16 = 312.0", "fp16 = -312.0"),
                "`dense_rates.fp16` is negative @53",
            ),
            (
                A100.replace("area_mm2 = 826", "area_mm2 = 0"),
                "`logic_dies[0].area_mm2` is zero @96",
            ),
            (
                A100.replace("area_mm2 = 826", "area_mm2 = 0.0"),
                "`logic_dies[0].area_mm2` is zero @96",
            ),
            (
                A100.replace("fp16 = 312.0\nint8 = 624\n", ""),
                "`dense_rates` gives no rate @32",
            ),
            (
                A100.replace("datacenter = true\n", ""),
                "`datacenter` is missing @0",
            ),
            (
                A100.replace("non_planar = true\n", ""),
                "`logic_dies[0].non_planar` is missing @70",
            ),
            (
                A100.replace("fp16", "fp17"),
                "unknown field `dense_rates.fp17` @46",
            ),
            (
                A100.replace("= 312.0", "= \"lots\""),
                "`dense_rates.fp16` is not a number @53",
            ),
            (
                A100.replace("= 312.0", "= nan"),
                "`dense_rates.fp16` is not a decimal number @53",
            ),
            (
                A100.replace("datacenter = true", "datacenter = 1"),
                "`datacenter` is not true, false or \"unknown\" @27",
            ),
            (
                "name = \"x\"\ndatacenter = true\nlogic_dies = []\n[dense_rates]\nfp16 = 1\n"
                    .to_owned(),
                "`logic_dies` is empty @42",
            ),
            (
                A100.replace(
                    "datacenter = true\n",
                    "datacenter = true\nother_eccn = \"9A999\"\n",
                ),
                "`other_eccn` is `9A999`, which has no `.z` paragraph @45",
            ),
        ];
        let actual: Vec<String> = cases.iter().map(|(text, _)| err(text)).collect();
        let expected: Vec<&str> = cases.iter().map(|(_, e)| *e).collect();
        assert_eq!(actual, expected);
    }

    #[test]
    fn unknown_values_are_kept_as_unknown() {
        let text = A100
            .replace("fp16 = 312.0", "fp16 = \"unknown\"")
            .replace("non_planar = true", "non_planar = \"unknown\"");
        let spec = ChipSpec::parse("a.toml", &text).unwrap();
        let ic = spec.ic.unwrap();
        assert_eq!(ic.dense_rates[0].value, Known::Unknown);
        assert_eq!(ic.logic_dies[0].non_planar, Known::Unknown);
    }
}
