//! On-site verification reports: who visited which site of which organisation when, on each
//! side, what they looked at, what they found, and the SHA-256 of every evidence file. A report
//! is accepted only whole and valid ([`VerificationReport::check`]); the port has it signed by
//! a reviewer of each side before it counts.

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{RecordError, check_line, check_past_date, check_sha256, check_token};

/// The most characters of a line of text in a report (a scope item, a finding, a name).
pub const MAX_LINE_CHARS: usize = 2_000;

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Noted; no action needed.
    Observation,
    /// To be corrected; does not stand in the way of listing.
    Minor,
    /// Stands in the way of listing until corrected and verified again.
    Major,
    /// Diversion or a prohibited end use: stands in the way of listing.
    Critical,
}

/// One finding of a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// What was found (public wording: no personal data).
    pub text: String,
}

/// An evidence file, by its name and SHA-256 (the file stays with the inspectors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// The file's name.
    pub name: String,
    /// Its SHA-256, 64 lowercase hexadecimal digits.
    pub sha256: String,
}

/// The inspectors of each side, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Inspectors {
    /// China's inspectors.
    pub cn: Vec<String>,
    /// The United States' inspectors.
    pub us: Vec<String>,
}

/// An on-site verification report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationReport {
    /// The organisation verified (its id in the port and the registry).
    pub organisation: String,
    /// The day of the visit (`YYYY-MM-DD`).
    #[schema(value_type = String, format = Date)]
    pub visited_on: Date,
    /// The site visited (name and address).
    pub site: String,
    /// The product classes the verification covers (e.g. `3A090.a`, `4A090.a`).
    pub product_classes: Vec<String>,
    /// The inspectors of each side (at least one each).
    pub inspectors: Inspectors,
    /// What was looked at (at least one item).
    pub scope: Vec<String>,
    /// What was found (may be empty).
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// The evidence files' SHA-256 (at least one).
    pub evidence: Vec<Evidence>,
}

impl VerificationReport {
    /// Checks every field against `today` (the visit cannot be in the future): ids, at least
    /// one inspector per side, a scope, evidence hashes (names unique), texts.
    ///
    /// # Errors
    ///
    /// The first field refused, with its value.
    pub fn check(&self, today: Date) -> Result<(), RecordError> {
        check_token("organisation", &self.organisation)?;
        check_past_date("visited_on", self.visited_on, today)?;
        check_line("site", &self.site, MAX_LINE_CHARS)?;
        if self.product_classes.is_empty() {
            return Err(RecordError::new(
                "product_classes",
                "name at least one product class the verification covers",
            ));
        }
        let mut classes = BTreeSet::new();
        for (i, class) in self.product_classes.iter().enumerate() {
            check_token(&format!("product_classes[{i}]"), class)?;
            if !classes.insert(class) {
                return Err(RecordError::new(
                    format!("product_classes[{i}]"),
                    format!("`{class}` is named twice"),
                ));
            }
        }
        for (side, names) in [("cn", &self.inspectors.cn), ("us", &self.inspectors.us)] {
            if names.is_empty() {
                return Err(RecordError::new(
                    format!("inspectors.{side}"),
                    "an on-site verification needs at least one inspector from each side",
                ));
            }
            for (i, name) in names.iter().enumerate() {
                check_line(&format!("inspectors.{side}[{i}]"), name, 200)?;
            }
        }
        if self.scope.is_empty() {
            return Err(RecordError::new(
                "scope",
                "say what the visit covered (at least one item)",
            ));
        }
        for (i, item) in self.scope.iter().enumerate() {
            check_line(&format!("scope[{i}]"), item, MAX_LINE_CHARS)?;
        }
        for (i, finding) in self.findings.iter().enumerate() {
            check_line(
                &format!("findings[{i}].text"),
                &finding.text,
                MAX_LINE_CHARS,
            )?;
        }
        if self.evidence.is_empty() {
            return Err(RecordError::new(
                "evidence",
                "list the SHA-256 of at least one evidence file",
            ));
        }
        let mut names = BTreeSet::new();
        for (i, file) in self.evidence.iter().enumerate() {
            check_line(&format!("evidence[{i}].name"), &file.name, 255)?;
            check_sha256(&format!("evidence[{i}].sha256"), &file.sha256)?;
            if !names.insert(&file.name) {
                return Err(RecordError::new(
                    format!("evidence[{i}].name"),
                    format!("`{}` is listed twice", super::shown(&file.name)),
                ));
            }
        }
        Ok(())
    }

    /// Whether the visit supports listing: no major or critical finding.
    #[must_use]
    pub fn satisfactory(&self) -> bool {
        self.findings.iter().all(|f| f.severity < Severity::Major)
    }

    /// Whether the report covers `product_class`.
    #[must_use]
    pub fn covers(&self, product_class: &str) -> bool {
        self.product_classes.iter().any(|c| c == product_class)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    pub(crate) fn report() -> VerificationReport {
        VerificationReport {
            organisation: "tianlan-bio".into(),
            visited_on: date(2026, 11, 20),
            site: "Building 3, 88 Keyuan Road, Shanghai".into(),
            product_classes: vec!["3A090.a".into()],
            inspectors: Inspectors {
                cn: vec!["Wang Li".into()],
                us: vec!["J. Smith".into()],
            },
            scope: vec!["physical security of the GPU hall".into()],
            findings: vec![Finding {
                severity: Severity::Minor,
                text: "visitor log kept on paper".into(),
            }],
            evidence: vec![Evidence {
                name: "hall-photos.zip".into(),
                sha256: "a".repeat(64),
            }],
        }
    }

    #[test]
    fn a_whole_report_passes_and_each_bad_field_is_named() {
        let today = date(2026, 12, 1);
        assert_eq!(report().check(today), Ok(()));
        assert!(report().satisfactory());
        type Breaker = fn(&mut VerificationReport);
        let cases: &[(&str, Breaker, &str)] = &[
            (
                "visited_on",
                |r| r.visited_on = date(2027, 1, 1),
                "in the future",
            ),
            (
                "visited_on",
                |r| r.visited_on = date(2019, 12, 31),
                "before 2020-01-01",
            ),
            ("inspectors.us", |r| r.inspectors.us.clear(), "each side"),
            (
                "inspectors.cn[0]",
                |r| r.inspectors.cn[0] = " ".into(),
                "empty",
            ),
            ("scope", |r| r.scope.clear(), "at least one"),
            ("evidence", |r| r.evidence.clear(), "at least one"),
            (
                "evidence[0].sha256",
                |r| r.evidence[0].sha256 = "ABC".into(),
                "`ABC`",
            ),
            ("organisation", |r| r.organisation = "a b".into(), "`a b`"),
            (
                "product_classes",
                |r| r.product_classes.clear(),
                "at least one",
            ),
            (
                "evidence[1].name",
                |r| r.evidence.push(r.evidence[0].clone()),
                "twice",
            ),
        ];
        for (field, breaker, says) in cases {
            let mut r = report();
            breaker(&mut r);
            let error = r.check(today).err();
            assert_eq!(error.as_ref().map(|e| e.field.as_str()), Some(*field));
            assert!(
                error.is_some_and(|e| e.reason.contains(says)),
                "{field} should say {says}"
            );
        }
    }

    #[test]
    fn a_major_finding_makes_a_report_unsatisfactory() {
        let mut r = report();
        r.findings.push(Finding {
            severity: Severity::Major,
            text: "GPUs found outside the declared hall".into(),
        });
        assert!(!r.satisfactory());
    }
}
