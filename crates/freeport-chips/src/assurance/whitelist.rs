//! The whitelist: an organisation listed for a product class, from a day, valid until a day,
//! with a re-evaluation due by a day. Status is computed from the dates whenever a listing is
//! read ([`Listing::status`]): a listing whose re-evaluation is overdue reads as suspended on
//! the day after its due date, without any job having to run, and one past its validity as
//! expired. A removal (a refused re-evaluation or a confirmed anomaly) keeps its reasons.

use jiff::civil::Date;
use jiff::{Span, ToSpan};
use serde::{Deserialize, Serialize};

use super::{RecordError, check_token};

/// The longest validity a listing may be given (three years).
pub const MAX_VALID_DAYS: i32 = 1_096;

/// The shortest re-evaluation period (30 days).
pub const MIN_REEVALUATION_DAYS: i32 = 30;

/// How old a verification report may be when a listing is applied for or re-evaluated.
pub const MAX_VERIFICATION_AGE_DAYS: i32 = 365;

/// What an organisation applies for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// The organisation.
    pub organisation: String,
    /// The product class (e.g. `3A090.a`).
    pub product_class: String,
    /// The signed verification report it rests on (its number at the port).
    pub verification: u64,
    /// How long the listing is to be valid, in days (1–1096).
    pub valid_days: i32,
    /// How often it is to be re-evaluated, in days (30 to `valid_days`).
    pub reevaluate_every_days: i32,
}

impl Application {
    /// Checks the fields.
    ///
    /// # Errors
    ///
    /// The first field refused, with its value.
    pub fn check(&self) -> Result<(), RecordError> {
        check_token("organisation", &self.organisation)?;
        check_token("product_class", &self.product_class)?;
        if !(1..=MAX_VALID_DAYS).contains(&self.valid_days) {
            return Err(RecordError::new(
                "valid_days",
                format!("{} is outside 1–{MAX_VALID_DAYS} days", self.valid_days),
            ));
        }
        if !(MIN_REEVALUATION_DAYS..=self.valid_days).contains(&self.reevaluate_every_days) {
            return Err(RecordError::new(
                "reevaluate_every_days",
                format!(
                    "{} is outside {MIN_REEVALUATION_DAYS}–{} days (the validity)",
                    self.reevaluate_every_days, self.valid_days
                ),
            ));
        }
        Ok(())
    }

    /// The listing this application gives when both sides approve on `decided_on`.
    ///
    /// # Errors
    ///
    /// The dates overflow the calendar.
    pub fn listing(&self, decided_on: Date) -> Result<Listing, RecordError> {
        let valid_until = add_days("valid_days", decided_on, self.valid_days)?;
        let reevaluate_by = add_days(
            "reevaluate_every_days",
            decided_on,
            self.reevaluate_every_days,
        )?;
        Ok(Listing {
            organisation: self.organisation.clone(),
            product_class: self.product_class.clone(),
            listed_on: decided_on,
            valid_until,
            reevaluate_by: reevaluate_by.min(valid_until),
            reevaluate_every_days: self.reevaluate_every_days,
            removal: None,
        })
    }
}

fn add_days(field: &str, date: Date, days: i32) -> Result<Date, RecordError> {
    let span: Span = days.days();
    date.checked_add(span)
        .map_err(|e| RecordError::new(field, format!("{days} days from {date}: {e}")))
}

/// Why and when a listing was removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Removal {
    /// The day.
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    /// The case whose refusal removed it.
    pub case: String,
    /// The published reasons.
    pub reasons: Vec<String>,
}

/// A listing on the whitelist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Listing {
    /// The organisation.
    pub organisation: String,
    /// The product class.
    pub product_class: String,
    /// Listed from.
    #[schema(value_type = String, format = Date)]
    pub listed_on: Date,
    /// Valid through this day.
    #[schema(value_type = String, format = Date)]
    pub valid_until: Date,
    /// The re-evaluation is due by this day; suspended from the day after.
    #[schema(value_type = String, format = Date)]
    pub reevaluate_by: Date,
    /// The re-evaluation period, in days.
    pub reevaluate_every_days: i32,
    /// Its removal, if removed.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub removal: Option<Removal>,
}

/// Where a listing stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListingStatus {
    /// Listed, within its validity and re-evaluation schedule.
    Listed,
    /// Its re-evaluation is overdue: suspended until re-evaluated.
    Suspended,
    /// Past its validity.
    Expired,
    /// Removed, with published reasons.
    Removed,
}

impl ListingStatus {
    /// The name shown.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Listed => "listed",
            Self::Suspended => "suspended",
            Self::Expired => "expired",
            Self::Removed => "removed",
        }
    }
}

impl Listing {
    /// Where the listing stands on `today`: removed, else expired after `valid_until`, else
    /// suspended after `reevaluate_by`, else listed.
    #[must_use]
    pub fn status(&self, today: Date) -> ListingStatus {
        if self.removal.is_some() {
            ListingStatus::Removed
        } else if today > self.valid_until {
            ListingStatus::Expired
        } else if today > self.reevaluate_by {
            ListingStatus::Suspended
        } else {
            ListingStatus::Listed
        }
    }

    /// The listing after a re-evaluation both sides approved on `decided_on`: the next one due
    /// a period later (never after the validity). A suspended listing is listed again.
    ///
    /// # Errors
    ///
    /// The listing is removed or expired; the dates overflow.
    pub fn reevaluated(&self, decided_on: Date) -> Result<Self, RecordError> {
        match self.status(decided_on) {
            ListingStatus::Removed | ListingStatus::Expired => {
                return Err(RecordError::new(
                    "listing",
                    format!(
                        "{} / {} is {} on {decided_on}: apply again instead",
                        self.organisation,
                        self.product_class,
                        self.status(decided_on).as_str()
                    ),
                ));
            }
            ListingStatus::Listed | ListingStatus::Suspended => {}
        }
        let next = add_days(
            "reevaluate_every_days",
            decided_on,
            self.reevaluate_every_days,
        )?;
        Ok(Self {
            reevaluate_by: next.min(self.valid_until),
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn application() -> Application {
        Application {
            organisation: "tianlan-bio".into(),
            product_class: "3A090.a".into(),
            verification: 1,
            valid_days: 730,
            reevaluate_every_days: 365,
        }
    }

    #[test]
    fn a_listing_is_suspended_the_day_after_its_re_evaluation_is_due() -> Result<(), RecordError> {
        let listing = application().listing(date(2026, 1, 10))?;
        assert_eq!(listing.reevaluate_by, date(2027, 1, 10));
        assert_eq!(listing.valid_until, date(2028, 1, 10));
        let table = [
            (date(2026, 1, 10), ListingStatus::Listed),
            (date(2027, 1, 10), ListingStatus::Listed),
            (date(2027, 1, 11), ListingStatus::Suspended),
            (date(2028, 1, 10), ListingStatus::Suspended),
            (date(2028, 1, 11), ListingStatus::Expired),
        ];
        for (day, status) in table {
            assert_eq!(listing.status(day), status, "on {day}");
        }
        let again = listing.reevaluated(date(2027, 2, 1))?;
        assert_eq!(again.status(date(2027, 2, 1)), ListingStatus::Listed);
        assert_eq!(
            again.reevaluate_by,
            date(2028, 1, 10),
            "capped at the validity"
        );
        let removed = Listing {
            removal: Some(Removal {
                on: date(2026, 3, 1),
                case: "CC-2026-0001".into(),
                reasons: vec!["diversion".into()],
            }),
            ..listing
        };
        assert_eq!(removed.status(date(2026, 3, 2)), ListingStatus::Removed);
        assert!(removed.reevaluated(date(2026, 3, 2)).is_err());
        Ok(())
    }

    #[test]
    fn application_periods_out_of_range_are_named() {
        let cases = [
            (0, 30, "valid_days", "0 is outside"),
            (-5, 30, "valid_days", "-5 is outside"),
            (2000, 30, "valid_days", "2000 is outside"),
            (365, 10, "reevaluate_every_days", "10 is outside"),
            (365, 400, "reevaluate_every_days", "400 is outside"),
        ];
        for (valid, every, field, says) in cases {
            let a = Application {
                valid_days: valid,
                reevaluate_every_days: every,
                ..application()
            };
            let e = a.check().err();
            assert_eq!(e.as_ref().map(|e| e.field.as_str()), Some(field));
            assert!(e.is_some_and(|e| e.reason.contains(says)));
        }
    }
}
