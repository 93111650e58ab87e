//! Column-profiler behaviour: classification, hard negatives, merging, statistics, and that
//! profiles never carry cell values.

use freeport_detect::{ColumnProfile, ColumnProfiler};

fn profile<'a>(header: &str, values: impl IntoIterator<Item = &'a str>) -> ColumnProfile {
    let mut p = ColumnProfiler::new(header);
    for v in values {
        p.observe(Some(v).filter(|v| !v.is_empty()));
    }
    p.finish()
}

const IDS: [&str; 6] = [
    "11010519491231002X",
    "440524188001010014",
    "34052419800101001X",
    "110105194912310029",
    "310104196102184690",
    "510107196309166445",
];

#[test]
fn resident_ids_without_header() {
    let p = profile(
        "c01",
        IDS.iter()
            .copied()
            .cycle()
            .take(60)
            .filter(|v| *v != "110105194912310029"),
    );
    assert_eq!(p.category.as_deref(), Some("id.cn.resident_id"));
    assert!(p.confidence > 0.9, "{p:?}");
}

#[test]
fn header_alone_does_not_label_failing_values() {
    // 18-digit numbers failing GB 11643 under an identity header: not a resident ID column.
    let bad = [
        "110105194912310021",
        "440524188001010015",
        "340524198001010012",
    ];
    let p = profile("身份证号", bad.iter().copied().cycle().take(60));
    assert_eq!(p.category, None, "{p:?}");
}

#[test]
fn hard_negatives() {
    let orders: Vec<String> = (0..200)
        .map(|i| format!("2024{:014}", 7_919_u64 * i + 13))
        .collect();
    assert_eq!(
        profile("c02", orders.iter().map(String::as_str)).category,
        None
    );
    let amounts: Vec<String> = (0..200)
        .map(|i| format!("{}.{:02}", i * 37 % 500, i % 100))
        .collect();
    assert_eq!(
        profile("amount", amounts.iter().map(String::as_str)).category,
        None
    );
    let ts: Vec<String> = (0..200)
        .map(|i| {
            format!(
                "2024-{:02}-{:02} 12:{:02}:00",
                i % 12 + 1,
                i % 28 + 1,
                i % 60
            )
        })
        .collect();
    assert_eq!(
        profile("created_at", ts.iter().map(String::as_str)).category,
        None
    );
    let skus: Vec<String> = (0..200).map(|i| format!("SKU-{:05}-B", i * 31)).collect();
    assert_eq!(
        profile("c03", skus.iter().map(String::as_str)).category,
        None
    );
}

#[test]
fn merge_is_order_independent() {
    let values: Vec<&str> = IDS.iter().copied().cycle().take(90).collect();
    let whole = profile("sfzh", values.iter().copied());
    let mut a = ColumnProfiler::new("sfzh");
    let mut b = ColumnProfiler::new("sfzh");
    for (i, v) in values.iter().enumerate() {
        if i % 3 == 0 { &mut a } else { &mut b }.observe(Some(v));
    }
    let mut b2 = b.clone();
    b2.merge(a.clone());
    a.merge(b);
    let (x, y) = (a.finish(), b2.finish());
    assert_eq!(x, y);
    assert_eq!(x.category, whole.category);
    assert_eq!(x.stats.rows, 90);
    assert_eq!(x.stats.distinct, 6);
}

#[test]
fn stats_are_counted_on_every_cell() {
    let mut p = ColumnProfiler::new("x");
    for i in 0..50_000u32 {
        p.observe(if i % 10 == 0 {
            None
        } else {
            Some("13812345678")
        });
    }
    let p = p.finish();
    assert_eq!(p.stats.rows, 50_000);
    assert_eq!(p.stats.nulls, 5_000);
    assert_eq!(p.stats.distinct, 1);
    assert!(p.stats.sampled <= 20_000);
    assert_eq!(p.category.as_deref(), Some("contact.phone"));
}

#[test]
fn distinct_estimate_beyond_exact_limit() {
    let mut p = ColumnProfiler::new("n");
    for i in 0..100_000u32 {
        p.observe(Some(&format!("v{i}")));
    }
    let s = p.finish().stats;
    assert!(s.distinct_estimated);
    let err = (s.distinct as f64 - 100_000.0).abs() / 100_000.0;
    assert!(err < 0.08, "estimate {} off by {err}", s.distinct);
}

#[test]
fn evidence_never_contains_values() {
    let p = profile("身份证号", IDS.iter().copied().cycle().take(30));
    let json = serde_json::to_string(&p).unwrap();
    for v in IDS {
        assert!(!json.contains(v), "{json}");
        assert!(!json.contains(&v[6..14]), "birth date leaked: {json}");
    }
    assert!(json.contains("\"kind\":\"header\""));
    assert!(json.contains("\"kind\":\"values\""));
}

#[test]
fn precise_vs_coarse_location() {
    let fine: Vec<String> = (0..100)
        .map(|i| format!("{:.5}", 30.0 + f64::from(i) * 0.0137))
        .collect();
    let p = profile("latitude", fine.iter().map(String::as_str));
    assert_eq!(p.category.as_deref(), Some("location.precise"));
    let coarse: Vec<String> = (0..100)
        .map(|i| format!("{:.1}", 30.0 + f64::from(i) * 0.1))
        .collect();
    let p = profile("latitude", coarse.iter().map(String::as_str));
    assert_eq!(p.category.as_deref(), Some("location.coarse"));
}

#[test]
fn birth_dates_need_plausible_spread() {
    let dob: Vec<String> = (0..100)
        .map(|i| format!("{}-{:02}-{:02}", 1940 + i % 60, i % 12 + 1, i % 28 + 1))
        .collect();
    assert_eq!(
        profile("c09", dob.iter().map(String::as_str))
            .category
            .as_deref(),
        Some("person.birth_date")
    );
    let events: Vec<String> = (0..100)
        .map(|i| format!("2025-{:02}-{:02}", i % 12 + 1, i % 28 + 1))
        .collect();
    assert_eq!(
        profile("c10", events.iter().map(String::as_str)).category,
        None
    );
    assert_eq!(
        profile(
            "出生日期",
            [
                "1990年1月2日",
                "1985年12月30日",
                "1962年7月1日",
                "2001年3月15日"
            ]
        )
        .category
        .as_deref(),
        Some("person.birth_date")
    );
}

#[test]
fn deterministic_json() {
    let a = serde_json::to_string(&profile("手机", ["13812345678", "13912345678", ""])).unwrap();
    let b = serde_json::to_string(&profile("手机", ["13812345678", "13912345678", ""])).unwrap();
    assert_eq!(a, b);
}

/// Pins the serialised profile (the schema `freeport scan --format json` embeds).
#[test]
fn profile_json_snapshot() {
    let mut values: Vec<&str> = IDS.iter().copied().cycle().take(24).collect();
    values.extend(["", "N/A", "13812345678"]);
    let p = profile("身份证号 sfzh", values);
    insta::assert_json_snapshot!(p);
}

#[test]
fn profiler_is_send_and_cheap() {
    fn assert_send<T: Send>() {}
    assert_send::<ColumnProfiler>();
    assert_send::<ColumnProfile>();
    // Creating a profiler allocates only its fixed-size tables.
    let start = std::time::Instant::now();
    let ps: Vec<ColumnProfiler> = (0..1_000)
        .map(|i| ColumnProfiler::new(&format!("c{i}")))
        .collect();
    assert_eq!(ps.len(), 1_000);
    assert!(start.elapsed().as_secs() < 2);
}

#[test]
fn free_text_with_embedded_identifiers() {
    let notes: Vec<String> = (0..60)
        .map(|i| {
            if i % 2 == 0 {
                format!("客户来电要求修改地址，联系电话：1381234{:04}，谢谢。", i)
            } else {
                "用户反馈物流太慢，已记录，待跟进处理。".to_string()
            }
        })
        .collect();
    let p = profile("c05", notes.iter().map(String::as_str));
    assert_eq!(
        p.category.as_deref(),
        Some("communication.content"),
        "{p:?}"
    );
    assert!(p.candidates.iter().any(|c| c.id == "contact.phone"));
    assert!(p.stats.free_text_score > 0.9);
    let plain: Vec<String> = (0..60)
        .map(|i| format!("Durable steel bottle number {i} with free shipping, rated well."))
        .collect();
    assert_eq!(
        profile("description", plain.iter().map(String::as_str)).category,
        None
    );
}

#[test]
fn header_only_categories_need_plausible_values() {
    let ages: Vec<String> = (0..80).map(|i| (18 + i % 60).to_string()).collect();
    assert_eq!(
        profile("年龄", ages.iter().map(String::as_str))
            .category
            .as_deref(),
        Some("person.age")
    );
    // An `age` header over timestamps is not an age column.
    let ts: Vec<String> = (0..80)
        .map(|i| format!("2024-01-{:02} 10:00:00", i % 28 + 1))
        .collect();
    assert_eq!(profile("age", ts.iter().map(String::as_str)).category, None);
    let sex = ["男", "女", "女", "男", ""];
    assert_eq!(
        profile("性别", sex.iter().copied().cycle().take(50))
            .category
            .as_deref(),
        Some("person.gender")
    );
    // A constant column says nothing about anyone.
    assert_eq!(
        profile("性别", std::iter::repeat_n("男", 50)).category,
        None
    );
}

#[test]
fn distinct_estimates_small_and_mid_cardinality() {
    for (n_distinct, rows) in [(3u32, 50_000u32), (5_000, 20_000), (30_000, 60_000)] {
        let mut p = ColumnProfiler::new("x");
        for i in 0..rows {
            p.observe(Some(&format!("k{}", i % n_distinct)));
        }
        let s = p.finish().stats;
        assert!(s.distinct_estimated);
        let err = (s.distinct as f64 - f64::from(n_distinct)).abs() / f64::from(n_distinct);
        assert!(
            err < 0.08,
            "{n_distinct}: estimate {} off by {err}",
            s.distinct
        );
    }
}

#[test]
fn driver_licence_is_no_candidate_without_a_header() {
    // Letter + digits ids and long digit runs match some state's licence format; without a
    // header naming licences that is noise, not even an "also possible".
    let refs: Vec<String> = (0..200)
        .map(|i| format!("D{:07}", i * 7_919 % 10_000_000))
        .collect();
    let orders: Vec<String> = (0..200)
        .map(|i| format!("{:09}", 104_729 * i + 7))
        .collect();
    for (header, values) in [("c03", &refs), ("order_no", &orders), ("ref", &refs)] {
        let p = profile(header, values.iter().map(String::as_str));
        assert!(
            p.candidates.iter().all(|c| c.id != "id.us.driver_license"),
            "{header}: {:?}",
            p.candidates
        );
    }
    // With a licence header the same values are licences.
    let p = profile("driver_license", refs.iter().map(String::as_str));
    assert_eq!(p.category.as_deref(), Some("id.us.driver_license"), "{p:?}");
    let p = profile("dl_number", refs.iter().map(String::as_str));
    assert_eq!(p.category.as_deref(), Some("id.us.driver_license"), "{p:?}");
}

#[test]
fn a_codebook_description_is_evidence_of_its_own_kind() {
    let values: Vec<String> = (0..80).map(|i| format!("{}", 60 + i % 90)).collect();
    let mut plain = ColumnProfiler::new("s6");
    let mut described = ColumnProfiler::new("s6").with_description("glu, blood sugar level");
    for v in &values {
        plain.observe(Some(v));
        described.observe(Some(v));
    }
    assert_eq!(plain.finish().category, None);
    let profile = described.finish();
    assert_eq!(profile.category.as_deref(), Some("health.lab_result"));
    assert!(matches!(
        profile.evidence.first(),
        Some(freeport_detect::Evidence::Codebook { keyword, .. }) if keyword == "bloodsugar"
    ));
}
