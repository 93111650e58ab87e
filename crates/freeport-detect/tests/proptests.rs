//! Property tests: generated valid identifiers are found; same-shape random strings are
//! rejected at about the rate their check digit implies.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use freeport_detect::checks::{luhn, mod11_2_check};
use freeport_detect::{Cell, Strength, cn, intl, mask, subject_key, us};
use proptest::prelude::*;

fn with_mod11(first17: &str) -> String {
    let c = char::from(mod11_2_check(first17.as_bytes()).unwrap());
    format!("{first17}{c}")
}

fn luhn_complete(body: &str) -> String {
    (0..10)
        .map(|d| format!("{body}{d}"))
        .find(|s| luhn(s.as_bytes()))
        .unwrap()
}

/// Region prefixes from the province table, valid dates, any sequence.
fn resident_id() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "110105", "310104", "440305", "510107", "650102", "710000", "130102",
        ]),
        1900u32..2020,
        1u32..=12,
        1u32..=28,
        0u32..1000,
    )
        .prop_map(|(r, y, m, d, s)| with_mod11(&format!("{r}{y:04}{m:02}{d:02}{s:03}")))
}

proptest! {
    #[test]
    fn valid_resident_ids_are_found(id in resident_id(), lower in any::<bool>()) {
        let v = if lower { id.to_lowercase() } else { id.clone() };
        prop_assert_eq!(cn::resident_id(&Cell::new(&v)), Some(Strength::Validated));
        prop_assert_eq!(subject_key("id.cn.resident_id", &v), Some(id.clone()));
        let m = mask("id.cn.resident_id", &id);
        prop_assert_eq!(m.chars().filter(|&c| c == '*').count(), 8);
    }

    #[test]
    fn valid_cards_are_found(prefix in prop::sample::select(vec!["4", "51", "2221", "37", "6011", "62", "3530"]), len in 16usize..=19, seed in any::<u64>()) {
        let len = match (prefix, len) { ("37", _) => 15, ("51" | "2221" | "6011" | "3530", _) | ("4", 17) => 16, _ => len };
        let mut body = prefix.to_string();
        let mut x = seed;
        while body.len() < len - 1 {
            body.push(char::from(b'0' + (x % 10) as u8));
            x /= 10;
            if x == 0 { x = seed ^ 0x9e37_79b9; }
        }
        let card = luhn_complete(&body);
        prop_assert_eq!(intl::payment_card(&Cell::new(&card)), Some(Strength::Validated), "{}", card);
    }

    #[test]
    fn valid_ssns_are_found(a in 1u32..900, g in 1u32..100, s in 1u32..10_000) {
        prop_assume!(a != 666 && (a, g, s) != (123, 45, 6789) && (a, g, s) != (78, 5, 1120));
        let v = format!("{a:03}-{g:02}-{s:04}");
        prop_assert_eq!(us::ssn(&Cell::new(&v)), Some(Strength::Shaped));
    }

    #[test]
    fn mobiles_are_found(p in prop::sample::select(vec!["130", "139", "147", "150", "166", "177", "188", "199"]), rest in 0u32..100_000_000) {
        let v = format!("{p}{rest:08}");
        prop_assert_eq!(cn::mobile(&Cell::new(&v)), Some(Strength::Shaped));
        let spaced = format!("+86 {} {} {}", &v[..3], &v[3..7], &v[7..]);
        prop_assert_eq!(subject_key("contact.phone", &spaced), Some(format!("+86{v}")));
    }

    #[test]
    fn keys_and_masks_never_panic(v in "[0-9A-Za-z@.+ \\-]{0,24}|.{0,48}", cat in prop::sample::select(vocabulary_ids())) {
        let m = mask(cat, &v);
        if let Some(k) = subject_key(cat, &v) {
            // A valid identifier of any length worth hiding never comes back unmasked.
            if freeport_detect::identifier_strength(cat).is_some() && v.trim().chars().count() >= 8 {
                prop_assert_ne!(&m, v.trim());
            }
            // Keys are idempotent on their own output for identifier categories.
            if freeport_detect::identifier_strength(cat).is_some() && cat != "contact.phone" {
                prop_assert_eq!(subject_key(cat, &k), Some(k.clone()));
            }
        }
    }

    #[test]
    fn profilers_never_panic(values in prop::collection::vec(".{0,40}", 0..40), header in ".{0,12}") {
        let mut p = freeport_detect::ColumnProfiler::new(&header);
        for v in &values {
            p.observe(Some(v));
            let _ = mask("id.cn.resident_id", v);
            let _ = subject_key("contact.phone", v);
        }
        let profile = p.finish();
        prop_assert!(profile.confidence >= 0.0 && profile.confidence <= 1.0);
    }
}

/// Deterministic pseudo-random digits (SplitMix64), so the rate test is reproducible.
fn digits(state: &mut u64, n: usize) -> String {
    (0..n)
        .map(|_| {
            *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = *state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            char::from(b'0' + ((z ^ (z >> 31)) % 10) as u8)
        })
        .collect()
}

#[test]
fn random_same_shape_rejected_at_check_digit_rate() {
    let mut s = 7u64;
    let n = 20_000;
    // Resident IDs: fix a valid region and date, randomise sequence + check character.
    // Only the check decides: expect 1/11 accepted (check alphabet has 11 symbols, 10 of them
    // digits; the last position here is a digit).
    let mut ok = 0;
    for _ in 0..n {
        let v = format!("11010519800101{}", digits(&mut s, 4));
        ok += usize::from(cn::resident_id(&Cell::new(&v)).is_some());
    }
    let rate = ok as f64 / n as f64;
    assert!(
        (rate - 1.0 / 11.0).abs() < 0.015,
        "resident id acceptance {rate}"
    );
    // 16-digit Visa-prefixed numbers: Luhn accepts 1 in 10.
    let mut ok = 0;
    for _ in 0..n {
        let v = format!("4{}", digits(&mut s, 15));
        ok += usize::from(intl::payment_card(&Cell::new(&v)).is_some());
    }
    let rate = ok as f64 / n as f64;
    assert!((rate - 0.1).abs() < 0.015, "card acceptance {rate}");
    // ABA routing with a valid prefix: 1 in 10.
    let mut ok = 0;
    for _ in 0..n {
        let v = format!("02{}", digits(&mut s, 7));
        ok += usize::from(us::aba(&Cell::new(&v)).is_some());
    }
    let rate = ok as f64 / n as f64;
    assert!((rate - 0.1).abs() < 0.015, "aba acceptance {rate}");
    // USCC: two independent checks (mod 31 and mod 11) → about 1/341 accepted.
    let mut ok = 0;
    for _ in 0..n {
        let v = format!("91110108{}", digits(&mut s, 10));
        ok += usize::from(cn::uscc(&Cell::new(&v)).is_some());
    }
    let rate = ok as f64 / n as f64;
    assert!(rate < 0.01, "uscc acceptance {rate}");
    // NPI: Luhn over 80840 + body, 1 in 10.
    let mut ok = 0;
    for _ in 0..n {
        let v = format!("1{}", digits(&mut s, 9));
        ok += usize::from(us::npi(&Cell::new(&v)).is_some());
    }
    let rate = ok as f64 / n as f64;
    assert!((rate - 0.1).abs() < 0.015, "npi acceptance {rate}");
    // IMEI with a real reporting-body prefix: Luhn, 1 in 10.
    let mut ok = 0;
    for _ in 0..n {
        let v = format!("35{}", digits(&mut s, 13));
        ok += usize::from(intl::imei(&Cell::new(&v)).is_some());
    }
    let rate = ok as f64 / n as f64;
    assert!((rate - 0.1).abs() < 0.015, "imei acceptance {rate}");
    // VIN: check digit mod 11 over a fixed prefix; a digit in position 9 matches 1 in 11 at
    // best (an `X` check never matches a random digit), so expect at most ≈ 1/11.
    let mut ok = 0;
    for _ in 0..n {
        let v = format!("1HGCM8263{}", digits(&mut s, 8));
        let v = format!("{}{}{}", &v[..8], &digits(&mut s, 1), &v[9..]);
        ok += usize::from(intl::vin(&Cell::new(&v)).is_some());
    }
    let rate = ok as f64 / n as f64;
    assert!(rate < 0.1 && rate > 0.05, "vin acceptance {rate}");
    // IBAN mod 97: about 1 in 97 random check-digit pairs pass.
    let mut ok = 0;
    for _ in 0..n {
        let v = format!("GB{}WEST{}", digits(&mut s, 2), digits(&mut s, 14));
        ok += usize::from(intl::iban(&Cell::new(&v)).is_some());
    }
    let rate = ok as f64 / n as f64;
    assert!((rate - 1.0 / 97.0).abs() < 0.005, "iban acceptance {rate}");
}

/// Regression: a cell of separators only (`-`) once keyed to the empty string, so every such
/// cell counted as one shared "subject" (found by `keys_and_masks_never_panic`).
#[test]
fn separator_only_values_have_no_subject_key() {
    for category in vocabulary_ids() {
        for value in ["-", " - ", "--", "()", "·"] {
            assert_eq!(subject_key(category, value), None, "{category} {value:?}");
        }
    }
}

fn vocabulary_ids() -> Vec<&'static str> {
    freeport_vocabulary::Vocabulary::embedded()
        .unwrap()
        .categories()
        .iter()
        .map(|c| c.id.as_str())
        .collect()
}
