//! Table-level judgement: whether a table describes people at all.
//!
//! A column's own evidence cannot tell an airport's name from a person's, a city of residence
//! from a city an airport serves, or an assigned number `P000123` from a product code. A person
//! would look at the rest of the table: a list of airports has IATA codes, elevations and
//! coordinates and nothing that identifies or describes a person. So categories that need such
//! context ([`NEEDS_PEOPLE`]) are kept only when another column anchors the table to people: an
//! identifier, a contact point, a birth date, a health or financial field, or a name under a
//! header that names a person (`姓名`, `first_name`, `patient_name`; not a bare `name`).

use crate::header::header_hits;
use crate::profile::{ColumnProfile, Evidence};

/// Categories that say something about a person only when the table is about people.
const NEEDS_PEOPLE: &[&str] = &[
    "person.name",
    "location.coarse",
    "location.postal_code",
    "org.name",
    "org.cn.uscc",
    "org.us.ein",
    "online.url",
    "id.internal",
    "health.body_measurement",
];

/// Header words that name things other than people: a table with such a column and nothing that
/// anchors it to people describes those things (its coordinates locate airports, not persons).
const THINGS: &[&str] = &[
    "iata",
    "icao",
    "faa",
    "airport",
    "机场",
    "elevation",
    "altitude",
    "海拔",
    "runway",
    "sku",
    "product",
    "商品",
    "产品",
    "price",
    "价格",
    "单价",
    "ticker",
    "symbol",
    "股票",
    "species",
    "物种",
    "station",
    "站点",
    "store",
    "门店",
    "店铺",
    "warehouse",
    "仓库",
    "flight",
    "航班",
    "inventory",
    "库存",
];

/// Whether `header` names a thing other than a person.
fn names_a_thing(header: &str) -> bool {
    let lower = header.to_lowercase();
    THINGS.iter().any(|w| lower.contains(w))
}

/// Whether a column anchors its table to people: a category outside [`NEEDS_PEOPLE`], or a
/// name or assigned number under a header that says whose it is.
fn anchors(header: &str, profile: &ColumnProfile) -> bool {
    let Some(category) = profile.category.as_deref() else {
        return false;
    };
    if category == "location.precise" {
        return false;
    }
    if !NEEDS_PEOPLE.contains(&category) {
        return true;
    }
    // A header that names the category unambiguously (`姓名`, `employee_id`, `pulse`; not a
    // bare `name`, `weight` or `city`) says the values are about people.
    !category.starts_with("location.")
        && header_hits(header)
            .iter()
            .any(|h| h.category == category && h.weight >= 0.8 && h.keyword != "name")
}

/// Header words naming a period: a table with one row per period (a unique `month` column) is
/// a time series about things.
const PERIODS: &[&str] = &[
    "year", "month", "date", "quarter", "week", "period", "年份", "月份", "日期", "季度",
];

/// Whether a column identifies or contacts a person on its own, or is a name, an assigned number
/// or a birth date under a header that says so: what still makes a table about people when its
/// rows are places, periods or things. Descriptive categories (income, education, age) do not:
/// a table of states has a median income.
fn strong_anchor(header: &str, profile: &ColumnProfile) -> bool {
    let Some(category) = profile.category.as_deref() else {
        return false;
    };
    crate::category::identifier_strength(category).is_some()
        || category.starts_with("contact.")
        || category == "communication.content"
        || (matches!(
            category,
            "person.name" | "id.internal" | "person.birth_date"
        ) && header_hits(header)
            .iter()
            .any(|h| h.category == category && h.weight >= 0.8 && h.keyword != "name"))
}

/// Whether the rows of the table are places or periods: a place or period column with a
/// different value in every row (ten rows at least).
fn rows_are_places_or_periods(headers: &[&str], profiles: &[ColumnProfile]) -> bool {
    headers.iter().zip(profiles).any(|(header, p)| {
        let lower = header.to_lowercase();
        let keyed = p.stats.distinct >= 10 && p.stats.uniqueness >= 0.99;
        keyed
            && (p.category.as_deref() == Some("location.coarse")
                || PERIODS.iter().any(|w| lower.contains(w)))
    })
}

/// Judges a whole table: when no column anchors it to people, the columns whose category needs
/// that context lose it (kept as candidates, with a failed plausibility check as evidence), and
/// so do coordinates in a table with a column that names other things (airports, stores).
/// Returns whether the table describes people.
pub fn people_in_table(headers: &[&str], profiles: &mut [ColumnProfile]) -> bool {
    let things = headers.iter().any(|h| names_a_thing(h));
    let strong = headers
        .iter()
        .zip(profiles.iter())
        .any(|(header, profile)| strong_anchor(header, profile));
    // Rows that are things, places or periods need a column that identifies a person.
    let about_things = !strong && (things || rows_are_places_or_periods(headers, profiles));
    let people = !about_things
        && headers
            .iter()
            .zip(profiles.iter())
            .any(|(header, profile)| anchors(header, profile));
    if people {
        return true;
    }
    for profile in profiles.iter_mut() {
        let Some(category) = profile.category.clone() else {
            continue;
        };
        let drop = about_things
            || NEEDS_PEOPLE.contains(&category.as_str())
            || (things && category == "location.precise");
        if drop {
            profile.category = None;
            profile.evidence.push(Evidence::Plausibility {
                category,
                passed: false,
                check: if about_things {
                    "the table describes things, places or periods, not people: a column names them (airport, product, store…) or holds a different place or period in every row, and no column identifies or contacts a person".into()
                } else {
                    "no column of the table identifies or describes a person (an identifier, contact, birth date, health or financial field, or a name under a header that names a person)".into()
                },
            });
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ColumnProfiler;

    fn profile(header: &str, values: &[&str]) -> ColumnProfile {
        let mut p = ColumnProfiler::new(header);
        for _ in 0..5 {
            for v in values {
                p.observe(Some(v));
            }
        }
        p.finish()
    }

    #[test]
    fn airports_describe_no_people_and_a_patient_list_does() {
        let headers = ["iata", "name", "city", "state"];
        let mut profiles = vec![
            profile("iata", &["00M", "00R", "00V", "01G"]),
            profile(
                "name",
                &[
                    "Thigpen",
                    "Livingston Municipal",
                    "Meadow Lake",
                    "Perry-Warsaw",
                ],
            ),
            profile("city", &["Houston", "Chicago", "Phoenix", "Dallas"]),
            profile("state", &["TX", "IL", "AZ", "TX"]),
        ];
        assert!(!people_in_table(&headers, &mut profiles));
        assert!(profiles.iter().all(|p| p.category.is_none()));

        let headers = ["patient_name", "city"];
        let mut profiles = vec![
            profile(
                "patient_name",
                &["Mary Smith", "John Brown", "Ann Lee", "Tom Hall"],
            ),
            profile("city", &["Houston", "Chicago", "Phoenix", "Dallas"]),
        ];
        assert!(people_in_table(&headers, &mut profiles));
        assert_eq!(profiles[0].category.as_deref(), Some("person.name"));
        assert_eq!(profiles[1].category.as_deref(), Some("location.coarse"));
    }
}
