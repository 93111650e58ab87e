//! The end-user registry: organisations with Chinese and English names, aliases, identifiers
//! (unified social credit code, checked by GB 32100's check digit, or others), addresses,
//! ownership links, and the registry's own lists (a watch list, a whitelist to come).
//!
//! ```toml
//! [[list]]
//! name = "watch"
//! description = "parties under review"
//!
//! [[organisation]]
//! id = "org-1"
//! name_en = "Example Semiconductor Co., Ltd."
//! name_zh = "示例半导体有限公司"
//! aliases = ["Example Semi"]
//! ids = [{ scheme = "uscc", value = "91110000MA00000001" }]
//! addresses = [{ address = "1 Example Road, Beijing", country = "CN" }]
//! lists = ["watch"]
//! owners = [{ party = "csl:syn-0001", percent = 30 }, { party = "org-2", percent = 25 }]
//! ```
//!
//! An owner is another organisation's `id`, or `csl:<_id>` for a CSL entry.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Located};
use crate::number::Exact;

use super::csl::ListEntry;

/// An identifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgId {
    /// `uscc` (checked), or any other scheme name.
    pub scheme: String,
    /// The value.
    pub value: String,
}

/// An address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// The address text.
    pub address: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// A stake in an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Owner {
    /// The owner: an organisation id, or `csl:<_id>`.
    pub party: String,
    /// Percent of the organisation it owns, exactly.
    pub percent: Exact,
}

/// One organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    /// Stable id.
    pub id: String,
    /// English name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Chinese name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_zh: Option<String>,
    /// Other names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Identifiers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<OrgId>,
    /// Addresses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    /// The registry lists it is on.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub lists: BTreeSet<String>,
    /// Who owns it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<Owner>,
}

impl Organisation {
    /// Every name: English, Chinese, aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.name_en
            .iter()
            .chain(self.name_zh.iter())
            .chain(self.aliases.iter())
            .map(String::as_str)
    }
}

/// A registry list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryList {
    /// Its name.
    pub name: String,
    /// What it holds.
    #[serde(default)]
    pub description: String,
}

/// The registry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Registry {
    /// Its lists, by name.
    pub lists: BTreeMap<String, RegistryList>,
    /// Its organisations, by id.
    pub organisations: BTreeMap<String, Organisation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOwner {
    party: String,
    percent: toml::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganisation {
    id: String,
    #[serde(default)]
    name_en: Option<String>,
    #[serde(default)]
    name_zh: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    ids: Vec<OrgId>,
    #[serde(default)]
    addresses: Vec<Address>,
    #[serde(default)]
    lists: BTreeSet<String>,
    #[serde(default)]
    owners: Vec<RawOwner>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegistry {
    #[serde(default)]
    list: Vec<RegistryList>,
    #[serde(default)]
    organisation: Vec<RawOrganisation>,
}

impl Registry {
    /// Parses a registry file; every error names the organisation and field, with a span.
    ///
    /// # Errors
    ///
    /// [`Error::List`] for bad TOML, duplicate ids, an unknown list, a USCC with a wrong
    /// check digit, a percentage outside 0–100, an owner that is neither an organisation nor
    /// `csl:<id>`, or stakes adding up to more than 100 %.
    pub fn parse(file: &str, text: &str) -> Result<Self, Error> {
        let raw: RawRegistry = toml::from_str(text).map_err(|e| {
            let error = Located::new(file, text, format!("invalid registry: {}", e.message()));
            Error::list(match e.span() {
                Some(span) => error.label(span, "here"),
                None => error,
            })
        })?;
        let fail = |id: &str, message: String, help: &str| {
            let needle = format!("\"{id}\"");
            let at = text.find(&needle).unwrap_or(0);
            Error::list(
                Located::new(file, text, message)
                    .with_help(help)
                    .label((at, needle.len()), "this organisation"),
            )
        };
        let mut registry = Self::default();
        for list in raw.list {
            registry.lists.insert(list.name.clone(), list);
        }
        let known: BTreeSet<String> = raw.organisation.iter().map(|o| o.id.clone()).collect();
        for org in raw.organisation {
            let id = org.id.clone();
            if registry.organisations.contains_key(&id) {
                return Err(fail(
                    &id,
                    format!("organisation `{id}` is defined twice"),
                    "ids are unique",
                ));
            }
            if org.name_en.is_none() && org.name_zh.is_none() {
                return Err(fail(
                    &id,
                    format!("organisation `{id}` has no name"),
                    "give `name_en`, `name_zh` or both",
                ));
            }
            for list in &org.lists {
                if !registry.lists.contains_key(list) {
                    return Err(fail(
                        &id,
                        format!(
                            "organisation `{id}` is on list `{list}`, which the registry does not define"
                        ),
                        "define it in a `[[list]]` table",
                    ));
                }
            }
            for oid in &org.ids {
                if oid.scheme == "uscc"
                    && !freeport_detect::checks::uscc_check(oid.value.as_bytes())
                {
                    return Err(fail(
                        &id,
                        format!(
                            "organisation `{id}`: `ids` has a unified social credit code that fails its check digit"
                        ),
                        "a USCC is 18 characters of 0-9 A-H J-N P-R T U W-Y with a GB 32100 check digit",
                    ));
                }
            }
            let mut owners = Vec::new();
            let mut total = Exact::zero();
            for owner in org.owners {
                let literal = match &owner.percent {
                    toml::Value::Integer(i) => i.to_string(),
                    toml::Value::Float(f) => f.to_string(),
                    toml::Value::String(s) => s.clone(),
                    _ => String::new(),
                };
                let percent = Exact::parse(&literal)
                    .ok()
                    .filter(|p| *p <= Exact::integer(100))
                    .ok_or_else(|| {
                        fail(
                            &id,
                            format!(
                                "organisation `{id}`: owner `{}` has percent `{literal}`",
                                owner.party
                            ),
                            "a percentage from 0 to 100",
                        )
                    })?;
                let csl = owner
                    .party
                    .strip_prefix("csl:")
                    .is_some_and(|rest| !rest.is_empty());
                if !csl && !known.contains(&owner.party) {
                    return Err(fail(
                        &id,
                        format!(
                            "organisation `{id}`: owner `{}` is not in the registry",
                            owner.party
                        ),
                        "an owner is another organisation's id, or `csl:<_id>` for a CSL entry",
                    ));
                }
                total = total.add(&percent).unwrap_or(total);
                owners.push(Owner {
                    party: owner.party,
                    percent,
                });
            }
            if total > Exact::integer(100) {
                return Err(fail(
                    &id,
                    format!("organisation `{id}`: its owners hold {total} %, more than 100 %"),
                    "check the stakes",
                ));
            }
            registry.organisations.insert(
                id.clone(),
                Organisation {
                    id,
                    name_en: org.name_en,
                    name_zh: org.name_zh,
                    aliases: org.aliases,
                    ids: org.ids,
                    addresses: org.addresses,
                    lists: org.lists,
                    owners,
                },
            );
        }
        Ok(registry)
    }

    /// The organisations on registry lists, as screening-list entries (list `registry:<name>`).
    #[must_use]
    pub fn list_entries(&self) -> Vec<ListEntry> {
        let mut entries = Vec::new();
        for org in self.organisations.values() {
            for list in &org.lists {
                let mut names: Vec<String> = org.names().map(str::to_owned).collect();
                let name = names.remove(0);
                entries.push(ListEntry {
                    list: format!("registry:{list}"),
                    id: org.id.clone(),
                    source: self
                        .lists
                        .get(list)
                        .map_or_else(String::new, |l| l.description.clone()),
                    entity_type: "Entity".to_owned(),
                    name,
                    alt_names: names,
                    programs: Vec::new(),
                    addresses: org.addresses.iter().map(|a| a.address.clone()).collect(),
                    countries: org.addresses.iter().map(|a| a.country.clone()).collect(),
                    ids: org
                        .ids
                        .iter()
                        .map(|i| format!("{}: {}", i.scheme, i.value))
                        .collect(),
                    federal_register_notice: String::new(),
                    license_requirement: String::new(),
                    license_policy: String::new(),
                });
            }
        }
        entries
    }
}
