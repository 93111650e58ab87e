//! The end-use monitoring pilot: registered devices (serial number, site with its coordinates,
//! how often it attests) and their periodic attestations — a usage summary, round-trip-time
//! probes to named landmarks, an optional confidential-computing attestation token's SHA-256.
//!
//! **Plausibility from the speed of light.** Light in fibre covers about 200 km per
//! millisecond, so a device that answered a landmark in `rtt` ms is at most `rtt × 100` km from
//! it (half the round trip). A probe whose landmark is farther than that from the device's
//! registered site is impossible for a device at that site: the attestation is anomalous
//! ([`Anomaly::ImpossibleRtt`]). A long round trip proves nothing (networks add delay), so only
//! too-short ones are flagged. Distances are great-circle distances (haversine, mean Earth
//! radius); the small error this carries is far below a probe's resolution.
//! An attestation with no probes carries no location evidence and is anomalous too; a device
//! whose next attestation is overdue ([`Device::due`]) has missed one.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use super::{RecordError, check_line, check_sha256, check_token};

/// Kilometres light travels in optical fibre per millisecond (refractive index ≈ 1.5).
pub const FIBRE_KM_PER_MS: f64 = 200.0;

/// The mean radius of the Earth, km.
pub const EARTH_RADIUS_KM: f64 = 6_371.0;

/// The most probes an attestation may carry.
pub const MAX_PROBES: usize = 64;

/// A point on the Earth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Coordinates {
    /// Latitude, degrees (−90 to 90).
    pub lat: f64,
    /// Longitude, degrees (−180 to 180).
    pub lon: f64,
}

impl Coordinates {
    fn check(&self, field: &str) -> Result<(), RecordError> {
        if !self.lat.is_finite() || !(-90.0..=90.0).contains(&self.lat) {
            return Err(RecordError::new(
                format!("{field}.lat"),
                format!("{} is not a latitude (−90 to 90)", self.lat),
            ));
        }
        if !self.lon.is_finite() || !(-180.0..=180.0).contains(&self.lon) {
            return Err(RecordError::new(
                format!("{field}.lon"),
                format!("{} is not a longitude (−180 to 180)", self.lon),
            ));
        }
        Ok(())
    }

    /// The great-circle distance to `other`, km.
    #[must_use]
    pub fn distance_km(&self, other: &Self) -> f64 {
        let (phi1, phi2) = (self.lat.to_radians(), other.lat.to_radians());
        let dphi = phi2 - phi1;
        let dlambda = (other.lon - self.lon).to_radians();
        let a =
            (dphi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (dlambda / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }
}

/// The named landmarks probes may be sent to, with their coordinates (city centres; a
/// landmark is a probe server the port's operators name). Sorted by name.
pub const LANDMARKS: &[(&str, Coordinates)] = &[
    (
        "ashburn",
        Coordinates {
            lat: 39.0438,
            lon: -77.4874,
        },
    ),
    (
        "beijing",
        Coordinates {
            lat: 39.9042,
            lon: 116.4074,
        },
    ),
    (
        "frankfurt",
        Coordinates {
            lat: 50.1109,
            lon: 8.6821,
        },
    ),
    (
        "guangzhou",
        Coordinates {
            lat: 23.1291,
            lon: 113.2644,
        },
    ),
    (
        "hong-kong",
        Coordinates {
            lat: 22.3193,
            lon: 114.1694,
        },
    ),
    (
        "san-jose",
        Coordinates {
            lat: 37.3382,
            lon: -121.8863,
        },
    ),
    (
        "seoul",
        Coordinates {
            lat: 37.5665,
            lon: 126.9780,
        },
    ),
    (
        "shanghai",
        Coordinates {
            lat: 31.2304,
            lon: 121.4737,
        },
    ),
    (
        "singapore",
        Coordinates {
            lat: 1.3521,
            lon: 103.8198,
        },
    ),
    (
        "tokyo",
        Coordinates {
            lat: 35.6762,
            lon: 139.6503,
        },
    ),
];

/// A landmark's coordinates by name.
#[must_use]
pub fn landmark(name: &str) -> Option<Coordinates> {
    LANDMARKS
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .and_then(|i| LANDMARKS.get(i))
        .map(|(_, c)| *c)
}

/// A device registered for monitoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Device {
    /// The serial number.
    pub serial: String,
    /// The organisation that operates it.
    pub organisation: String,
    /// Its product class (e.g. `3A090.a`).
    pub product_class: String,
    /// The site (name and address).
    pub site: String,
    /// The site's coordinates.
    pub location: Coordinates,
    /// How often it attests, in days (1–90).
    pub attest_every_days: i32,
}

impl Device {
    /// Checks the fields.
    ///
    /// # Errors
    ///
    /// The first field refused, with its value.
    pub fn check(&self) -> Result<(), RecordError> {
        check_token("serial", &self.serial)?;
        check_token("organisation", &self.organisation)?;
        check_token("product_class", &self.product_class)?;
        check_line("site", &self.site, 2_000)?;
        self.location.check("location")?;
        if !(1..=90).contains(&self.attest_every_days) {
            return Err(RecordError::new(
                "attest_every_days",
                format!("{} is outside 1–90 days", self.attest_every_days),
            ));
        }
        Ok(())
    }

    /// The day the next attestation is due, given the day of the last one (or of
    /// registration): a period later. Overdue from the day after.
    #[must_use]
    pub fn due(&self, since: Date) -> Date {
        since
            .checked_add(self.attest_every_days.days())
            .unwrap_or(Date::MAX)
    }
}

/// A usage summary for the period attested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Usage {
    /// Device-hours used in the period (≥ 0).
    pub device_hours: f64,
    /// Mean utilisation, percent (0–100).
    pub utilisation_percent: f64,
    /// The workloads run, in the operator's words (e.g. `protein structure prediction`).
    pub workloads: Vec<String>,
}

/// One round-trip-time probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    /// The landmark's name ([`LANDMARKS`]).
    pub landmark: String,
    /// The round-trip time measured, milliseconds (> 0).
    pub rtt_ms: f64,
}

/// An end-use attestation, as the device's operator sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    /// The device's serial number.
    pub serial: String,
    /// When measured (RFC 3339 UTC).
    #[schema(value_type = String)]
    pub attested_at: Timestamp,
    /// The usage summary.
    pub usage: Usage,
    /// Round-trip-time probes to named landmarks.
    #[serde(default)]
    pub probes: Vec<Probe>,
    /// The SHA-256 of a confidential-computing attestation token (e.g. NVIDIA's EAT), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_sha256: Option<String>,
}

/// What makes an attestation anomalous.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Anomaly {
    /// A probe answered faster than light in fibre allows from the registered site.
    ImpossibleRtt {
        /// The landmark.
        landmark: String,
        /// The round trip measured, ms.
        rtt_ms: f64,
        /// The farthest the device can be from the landmark, km.
        max_km: f64,
        /// The registered site's distance from the landmark, km.
        site_km: f64,
    },
    /// No location evidence at all.
    NoProbes,
}

impl Anomaly {
    /// One line, in English.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::ImpossibleRtt {
                landmark,
                rtt_ms,
                max_km,
                site_km,
            } => format!(
                "{landmark} answered in {rtt_ms} ms, so the device is at most {max_km:.0} km \
                 from it, but its registered site is {site_km:.0} km away"
            ),
            Self::NoProbes => "no location evidence (no round-trip-time probe)".to_owned(),
        }
    }
}

impl Attestation {
    /// Checks the fields: `attested_at` not after `now` nor before the device's registration
    /// (`registered_at`), usage figures in range, probes to known landmarks with positive
    /// round trips, the token hash's form.
    ///
    /// # Errors
    ///
    /// The first field refused, with its value.
    pub fn check(&self, registered_at: Timestamp, now: Timestamp) -> Result<(), RecordError> {
        check_token("serial", &self.serial)?;
        if self.attested_at > now {
            return Err(RecordError::new(
                "attested_at",
                format!("{} is in the future (now is {now})", self.attested_at),
            ));
        }
        if self.attested_at < registered_at {
            return Err(RecordError::new(
                "attested_at",
                format!(
                    "{} is before the device was registered ({registered_at})",
                    self.attested_at
                ),
            ));
        }
        let u = &self.usage;
        if !u.device_hours.is_finite() || u.device_hours < 0.0 {
            return Err(RecordError::new(
                "usage.device_hours",
                format!("{} is not a number of hours (≥ 0)", u.device_hours),
            ));
        }
        if !u.utilisation_percent.is_finite() || !(0.0..=100.0).contains(&u.utilisation_percent) {
            return Err(RecordError::new(
                "usage.utilisation_percent",
                format!("{} is outside 0–100", u.utilisation_percent),
            ));
        }
        for (i, w) in u.workloads.iter().enumerate() {
            check_line(&format!("usage.workloads[{i}]"), w, 500)?;
        }
        if self.probes.len() > MAX_PROBES {
            return Err(RecordError::new(
                "probes",
                format!("{} probes; at most {MAX_PROBES}", self.probes.len()),
            ));
        }
        for (i, p) in self.probes.iter().enumerate() {
            if landmark(&p.landmark).is_none() {
                let known: Vec<&str> = LANDMARKS.iter().map(|(n, _)| *n).collect();
                return Err(RecordError::new(
                    format!("probes[{i}].landmark"),
                    format!(
                        "`{}` is not a named landmark (known: {})",
                        super::shown(&p.landmark),
                        known.join(", ")
                    ),
                ));
            }
            if !p.rtt_ms.is_finite() || p.rtt_ms <= 0.0 {
                return Err(RecordError::new(
                    format!("probes[{i}].rtt_ms"),
                    format!("{} is not a round-trip time (> 0 ms)", p.rtt_ms),
                ));
            }
        }
        if let Some(token) = &self.token_sha256 {
            check_sha256("token_sha256", token)?;
        }
        Ok(())
    }

    /// What is anomalous about this attestation for a device registered at `site`: each
    /// probe faster than light allows, or no probes at all. Empty when plausible.
    #[must_use]
    pub fn anomalies(&self, site: &Coordinates) -> Vec<Anomaly> {
        if self.probes.is_empty() {
            return vec![Anomaly::NoProbes];
        }
        self.probes
            .iter()
            .filter_map(|p| {
                let at = landmark(&p.landmark)?;
                let max_km = p.rtt_ms * FIBRE_KM_PER_MS / 2.0;
                let site_km = site.distance_km(&at);
                (site_km > max_km).then(|| Anomaly::ImpossibleRtt {
                    landmark: p.landmark.clone(),
                    rtt_ms: p.rtt_ms,
                    max_km: round1(max_km),
                    site_km: round1(site_km),
                })
            })
            .collect()
    }
}

/// Rounded to 0.1 (so reports and JSON do not carry floating-point noise).
fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const SHANGHAI_SITE: Coordinates = Coordinates {
        lat: 31.20,
        lon: 121.60,
    };

    fn attestation(probes: &[(&str, f64)]) -> Attestation {
        Attestation {
            serial: "GPU-0001".into(),
            attested_at: "2026-12-01T08:00:00Z"
                .parse()
                .unwrap_or(Timestamp::UNIX_EPOCH),
            usage: Usage {
                device_hours: 700.0,
                utilisation_percent: 64.5,
                workloads: vec!["protein structure prediction".into()],
            },
            probes: probes
                .iter()
                .map(|(l, rtt)| Probe {
                    landmark: (*l).into(),
                    rtt_ms: *rtt,
                })
                .collect(),
            token_sha256: None,
        }
    }

    #[test]
    fn landmarks_are_sorted_so_lookup_finds_each() {
        for (name, at) in LANDMARKS {
            assert_eq!(landmark(name), Some(*at));
        }
        assert_eq!(landmark("atlantis"), None);
    }

    #[test]
    fn distances_match_known_city_pairs() {
        let (Some(sh), Some(bj)) = (landmark("shanghai"), landmark("beijing")) else {
            unreachable!("both are landmarks");
        };
        let d = sh.distance_km(&bj);
        assert!((1_060.0..1_075.0).contains(&d), "Shanghai–Beijing {d} km");
    }

    #[test]
    fn a_round_trip_faster_than_light_from_the_site_is_anomalous() {
        // Shanghai–Beijing ≈ 1068 km: a round trip needs ≥ 10.7 ms in fibre.
        let table: &[(&[(&str, f64)], usize)] = &[
            (&[("shanghai", 0.9), ("beijing", 14.0)], 0),
            (&[("beijing", 10.0)], 1),
            (&[("beijing", 11.0)], 0),
            (&[("shanghai", 2.0), ("frankfurt", 1.0)], 1),
            (&[], 1),
        ];
        for (probes, count) in table {
            let found = attestation(probes).anomalies(&SHANGHAI_SITE);
            assert_eq!(found.len(), *count, "{probes:?}: {found:?}");
        }
        let found = attestation(&[("beijing", 4.0)]).anomalies(&SHANGHAI_SITE);
        insta::assert_snapshot!(
            found.first().map(Anomaly::describe).unwrap_or_default(),
            @"beijing answered in 4 ms, so the device is at most 400 km from it, but its registered site is 1075 km away"
        );
    }

    #[test]
    fn bad_attestation_fields_are_named() {
        let registered: Timestamp = "2026-11-01T00:00:00Z".parse().unwrap_or(Timestamp::MIN);
        let now: Timestamp = "2026-12-02T00:00:00Z".parse().unwrap_or(Timestamp::MIN);
        assert_eq!(
            attestation(&[("shanghai", 1.0)]).check(registered, now),
            Ok(())
        );
        type Breaker = fn(&mut Attestation);
        let cases: &[(&str, Breaker)] = &[
            ("usage.device_hours", |a| a.usage.device_hours = -1.0),
            ("usage.utilisation_percent", |a| {
                a.usage.utilisation_percent = 101.0
            }),
            ("probes[0].rtt_ms", |a| a.probes[0].rtt_ms = 0.0),
            ("probes[0].rtt_ms", |a| a.probes[0].rtt_ms = f64::NAN),
            ("probes[0].landmark", |a| {
                a.probes[0].landmark = "atlantis".into()
            }),
            ("token_sha256", |a| a.token_sha256 = Some("xyz".into())),
            ("attested_at", |a| {
                a.attested_at = "2027-01-01T00:00:00Z".parse().unwrap_or(Timestamp::MAX);
            }),
            ("attested_at", |a| {
                a.attested_at = "2026-10-01T00:00:00Z".parse().unwrap_or(Timestamp::MIN);
            }),
        ];
        for (field, breaker) in cases {
            let mut a = attestation(&[("shanghai", 1.0)]);
            breaker(&mut a);
            assert_eq!(
                a.check(registered, now).err().map(|e| e.field),
                Some((*field).to_owned())
            );
        }
    }

    #[test]
    fn devices_are_checked_and_due_a_period_after_their_last_attestation() {
        let device = Device {
            serial: "GPU-0001".into(),
            organisation: "tianlan-bio".into(),
            product_class: "3A090.a".into(),
            site: "Shanghai".into(),
            location: SHANGHAI_SITE,
            attest_every_days: 30,
        };
        assert_eq!(device.check(), Ok(()));
        assert_eq!(device.due(date(2026, 11, 1)), date(2026, 12, 1));
        for (field, bad) in [
            (
                "attest_every_days",
                Device {
                    attest_every_days: -3,
                    ..device.clone()
                },
            ),
            (
                "location.lat",
                Device {
                    location: Coordinates {
                        lat: 91.0,
                        lon: 0.0,
                    },
                    ..device.clone()
                },
            ),
        ] {
            assert_eq!(bad.check().err().map(|e| e.field), Some(field.to_owned()));
        }
    }
}
