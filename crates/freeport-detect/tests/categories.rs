//! What the crate says about every vocabulary category, held as snapshots: identifier
//! strength, masked examples and subject keys of a fixed set of values, header evidence for every
//! dictionary word, header rows that are data, and identifiers found in text. A change to a
//! detector, wherever its parts live, shows here as a diff.

use std::fmt::Write as _;

use freeport_detect::header::header_hits;
use freeport_detect::{DETECTORS, header_looks_like_data, identifier_strength, mask, subject_key};

/// Values of many shapes: identifiers of each family, dates, places, free text, short strings.
const VALUES: &[&str] = &[
    "11010519491231002X",
    "110105491231002",
    "13812345678",
    "+1 (212) 555-0100",
    "010-12345678",
    "zhang.wei@Example.com",
    "王伟",
    "Mary Smith",
    "1990-01-02",
    "39.904211,116.407395",
    "192.168.1.20",
    "2001:db8::1",
    "00:1A:2B:3C:4D:5E",
    "4111 1111 1111 1111",
    "GB82 WEST 1234 5698 7654 32",
    "219-09-9998",
    "91350100M000100Y43",
    "京A·12345",
    "北京市朝阳区建国路88号",
    "123 Main St, Springfield, IL 62704",
    "100101",
    "HIV positive",
    "1HGCM82633A004352",
    "https://example.org/a",
    "ab",
    "-",
];

#[test]
fn every_category_strength_mask_and_key() {
    let vocabulary = freeport_vocabulary::Vocabulary::embedded().unwrap();
    let categories = vocabulary.categories().iter().map(|c| c.id.as_str());
    let mut out = String::new();
    for c in categories.chain(["not.a.category"]) {
        let _ = writeln!(out, "{c}: strength {:?}", identifier_strength(c));
        for v in VALUES {
            let _ = writeln!(
                out,
                "  {v:?} -> mask {:?}, key {:?}",
                mask(c, v),
                subject_key(c, v)
            );
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn header_evidence_for_every_dictionary_word() {
    let words = include_str!("fixtures/header_words.txt");
    let mut out = String::new();
    for w in words.lines() {
        for header in [
            w.to_owned(),
            format!("customer_{w}"),
            format!("{w}_no"),
            format!("Order{w}"),
        ] {
            let hits: Vec<String> = header_hits(&header)
                .iter()
                .map(|h| format!("{}:{}:{}", h.category, h.keyword, h.weight))
                .collect();
            let _ = writeln!(out, "{header} -> {}", hits.join(" "));
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn headers_that_are_data_and_identifiers_in_text() {
    let mut out = String::new();
    for v in VALUES {
        let _ = writeln!(out, "{v:?}: header {:?}", header_looks_like_data(v));
    }
    let text = VALUES.join(" 和 ");
    freeport_detect::text::scan(&text, |i, range| {
        let _ = writeln!(
            out,
            "text {} {} {:?}",
            DETECTORS[i].name,
            DETECTORS[i].category,
            text.get(range)
        );
    });
    let _ = writeln!(
        out,
        "text categories {:#b}",
        freeport_detect::text::text_categories(&text)
    );
    insta::assert_snapshot!(out);
}
