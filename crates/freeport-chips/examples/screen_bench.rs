//! Screening benchmark (`bench/chips/run.sh`): a generated list of LIST entries in the CSL's CSV
//! form (names from syllable pools and generic words, a Chinese alias for a third of them), and
//! QUERIES names to screen — one in ten a planted variant of a listed name (typo, word order,
//! legal form, case, full-width, pinyin spacing, Chinese or traditional characters), one in ten
//! a related name (a listed brand with other generic words; its hits reported apart), the rest
//! unrelated names sharing the pools' generic vocabulary under a brand no listed entry has.
//! Measures the indexed screen of every query (both cores) against a plain Jaro–Winkler scan of
//! the same list on a sample (one core's share extrapolated), and precision/recall of both.
//! Usage: screen_bench [QUERIES] [LIST] [JW_SAMPLE]; SHOW_FALSE_POSITIVES=N prints the first N
//! unrelated names that hit, and why.

#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::fmt::Write as _;
use std::time::Instant;

use freeport_chips::screen::{self, DEFAULT_THRESHOLD, Index, MatchKind};

/// SplitMix64: a small deterministic generator, so every run screens the same names.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Brand characters: 140, so two of them make 19,600 brands (fewer distinct in pinyin: homophones
/// such as 新 / 鑫 romanise alike, as they do on real lists).
const HAN: &str = "天蓝洪山金星青云北方中原海汉芯西东华兴瑞信明德宇航安康泰宏达远光辉新长城永盛鑫源恒通博创卓越联合启智嘉丰润晶锐思凯腾飞龙凤祥和美佳利亿万众鼎元正同富成丽雅欣悦阳春秋江河湖森林峰岩玉银铜亮彩虹霞晨曦朗清澄紫红绿黄白岭松柏竹梅兰菊桥泉溪湾港岛洲舟帆旗冠豪杰英雄君臣仁义礼忠孝廉勤俭朴素";
const GENERIC: [(&str, &str); 16] = [
    ("Technology", "科技"),
    ("Semiconductor", "半导体"),
    ("Microelectronics", "微电子"),
    ("Electronics", "电子"),
    ("Optoelectronic", "光电"),
    ("Precision Machinery", "精密机械"),
    ("Information", "信息"),
    ("Communication", "通信"),
    ("Software", "软件"),
    ("Intelligent", "智能"),
    ("Materials", "材料"),
    ("Equipment", "设备"),
    ("Research Institute", "研究所"),
    ("Aerospace", "航天"),
    ("Trading", "贸易"),
    ("Industrial", "实业"),
];
/// The generic words as normalised tokens (the rest of a generated name's tokens are its brand
/// and place).
const GENERIC_TOKENS: [&str; 19] = [
    "technology",
    "semiconductor",
    "microelectronic",
    "electronic",
    "optoelectronic",
    "precision",
    "machinery",
    "information",
    "communication",
    "software",
    "intelligent",
    "material",
    "equipment",
    "research",
    "institute",
    "aerospace",
    "trading",
    "industrial",
    "group",
];
const LEGAL: [&str; 6] = [
    "Co., Ltd.",
    "Limited",
    "Company Limited",
    "Group",
    "Inc.",
    "Corporation",
];
/// Brand syllables: two or three of them make 219,600 brands.
const LATIN: [&str; 60] = [
    "ka", "ro", "mi", "ta", "ven", "lor", "dex", "sun", "mar", "tel", "nor", "vik", "zan", "bel",
    "cor", "pax", "qua", "ril", "sol", "tor", "ul", "vor", "wen", "xan", "bra", "cle", "dru",
    "fen", "gal", "hok", "ist", "jun", "kre", "lum", "mox", "nev", "ost", "pli", "rad", "sek",
    "tam", "uri", "vel", "wyn", "yor", "zet", "ab", "ek", "im", "ox", "ar", "en", "is", "on",
    "bri", "cas", "dal", "fir", "gor", "hel",
];

struct Generated {
    english: String,
    chinese: Option<String>,
    /// The brand as screening compares it (lower case; pinyin for a Chinese brand).
    brand: String,
    /// The brand as written (Han characters for a Chinese brand).
    brand_text: String,
    /// The generic words (indices into `GENERIC`).
    generic: Vec<usize>,
}

fn han_brand(rng: &mut Rng) -> String {
    let chars: Vec<char> = HAN.chars().collect();
    (0..2).map(|_| *rng.pick(&chars)).collect()
}

fn pinyin_of(han: &str) -> String {
    use pinyin::ToPinyin;
    let mut out = String::new();
    for p in han.to_pinyin().flatten() {
        out.push_str(p.plain());
    }
    let mut chars = out.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn generate(rng: &mut Rng) -> Generated {
    let words = 1 + rng.below(2);
    let picked: Vec<usize> = (0..words).map(|_| rng.below(GENERIC.len())).collect();
    generate_with(rng, picked, None)
}

/// A name with these generic words and, if given, this brand (else a random one).
fn generate_with(rng: &mut Rng, picked: Vec<usize>, brand: Option<(&str, bool)>) -> Generated {
    let generic: Vec<&(&str, &str)> = picked.iter().map(|&g| &GENERIC[g]).collect();
    let legal = rng.pick(&LEGAL);
    let han = brand.map_or_else(|| rng.below(3) == 0, |(_, han)| han);
    if han {
        let brand = brand.map_or_else(|| han_brand(rng), |(b, _)| b.to_owned());
        let english = format!(
            "{} {} {legal}",
            pinyin_of(&brand),
            generic.iter().map(|g| g.0).collect::<Vec<_>>().join(" ")
        );
        let chinese = format!(
            "{brand}{}有限公司",
            generic.iter().map(|g| g.1).collect::<String>()
        );
        Generated {
            english,
            chinese: Some(chinese),
            brand: pinyin_of(&brand).to_lowercase(),
            brand_text: brand,
            generic: picked,
        }
    } else {
        let brand: String = brand.map_or_else(
            || (0..2 + rng.below(2)).map(|_| *rng.pick(&LATIN)).collect(),
            |(b, _)| b.to_owned(),
        );
        let key = brand.clone();
        let mut brand_chars = brand.chars();
        let brand = brand_chars.next().map_or_else(String::new, |c| {
            c.to_uppercase().chain(brand_chars).collect()
        });
        let place = if rng.below(4) == 0 {
            format!(
                "{} ",
                rng.pick(&[
                    "Beijing", "Shanghai", "Shenzhen", "Hefei", "Dubai", "Moscow"
                ])
            )
        } else {
            String::new()
        };
        let english = format!(
            "{place}{brand} {} {legal}",
            generic.iter().map(|g| g.0).collect::<Vec<_>>().join(" ")
        );
        Generated {
            english,
            chinese: None,
            brand_text: key.clone(),
            brand: key,
            generic: picked,
        }
    }
}

fn typo(rng: &mut Rng, name: &str) -> String {
    let words: Vec<&str> = name.split(' ').collect();
    let i = rng.below(words.len().min(2));
    let mut chars: Vec<char> = words[i].chars().collect();
    if chars.len() >= 5 {
        let j = 1 + rng.below(chars.len() - 2);
        chars.swap(j, j + 1);
    }
    let mut out: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    out[i] = chars.into_iter().collect();
    out.join(" ")
}

fn variant(
    rng: &mut Rng,
    g: &Generated,
    t2s_reverse: &std::collections::HashMap<char, char>,
) -> String {
    match (rng.below(7), &g.chinese) {
        (0, _) => typo(rng, &g.english),
        (1, _) => {
            let mut words: Vec<&str> = g.english.split(' ').collect();
            words.reverse();
            words.join(" ")
        }
        (2, _) => g.english.to_uppercase().replace([',', '.'], ""),
        (3, _) => g
            .english
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
                } else if c == ' ' {
                    '\u{3000}'
                } else {
                    c
                }
            })
            .collect(),
        (4, Some(zh)) => zh.clone(),
        (5, Some(zh)) => zh
            .chars()
            .map(|c| *t2s_reverse.get(&c).unwrap_or(&c))
            .collect(),
        _ => g
            .english
            .replace("Co., Ltd.", "Limited")
            .replace("Corporation", "Corp"),
    }
}

/// What a query is.
enum Truth {
    /// A variant of this listed entry.
    Planted(String),
    /// A listed brand with other generic words.
    Related,
    /// A brand no listed entry has.
    Unrelated,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let queries = args.first().copied().unwrap_or(100_000);
    let list_size = args.get(1).copied().unwrap_or(30_000);
    let jw_sample = args.get(2).copied().unwrap_or(500);
    let mut rng = Rng(0x00C0_FFEE);
    // Simplified → traditional, from OpenCC's table inverted (first traditional form wins).
    let mut reverse = std::collections::HashMap::new();
    for line in include_str!("../data/opencc-TSCharacters.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
    {
        let mut parts = line.split('\t');
        if let (Some(t), Some(s)) = (
            parts.next().and_then(|t| t.chars().next()),
            parts.next().and_then(|s| s.chars().next()),
        ) {
            reverse.entry(s).or_insert(t);
        }
    }

    // The list, written as a CSL CSV and loaded through the loader.
    let mut seen = std::collections::HashSet::new();
    let mut listed = Vec::new();
    while listed.len() < list_size {
        let g = generate(&mut rng);
        if seen.insert(g.english.to_lowercase()) {
            listed.push(g);
        }
    }
    let mut csv = String::from(
        "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n",
    );
    for (i, g) in listed.iter().enumerate() {
        let alt = g.chinese.clone().unwrap_or_default();
        let _ = writeln!(
            csv,
            "gen-{i},Entity List (EL) - Bureau of Industry and Security,{i},Entity,,\"{}\",,\"1 Example Road, Example City, CN\",,,,,,,,,,,,,SYNTHETIC,,{alt},,,,,,",
            g.english
        );
    }
    let started = Instant::now();
    let entries = screen::csl::load("generated.csv", &csv)?;
    let load = started.elapsed();
    let started = Instant::now();
    let index = Index::new(entries);
    let build = started.elapsed();

    // The queries. One in ten a planted variant of a listed name (should hit it). One in ten a
    // related name: a listed brand with other generic words ("Tianlan Trading" against listed
    // "Tianlan Semiconductor") — a reviewer may well want to see it, so its hits are reported
    // apart, neither true nor false. The rest unrelated names: brands no listed entry has (a
    // brand one typo from a listed one is allowed, and its hits count as false positives).
    let listed_brands: std::collections::HashSet<&str> =
        listed.iter().map(|g| g.brand.as_str()).collect();
    let mut names = Vec::with_capacity(queries);
    let mut truth: Vec<Truth> = Vec::with_capacity(queries);
    for q in 0..queries {
        if q % 10 == 0 {
            let i = rng.below(listed.len());
            names.push(variant(&mut rng, &listed[i], &reverse));
            truth.push(Truth::Planted(format!("gen-{i}")));
        } else if q % 10 == 5 {
            let i = rng.below(listed.len());
            let of = &listed[i];
            let mut picked = vec![rng.below(GENERIC.len())];
            while picked.iter().all(|g| of.generic.contains(g)) {
                picked = vec![rng.below(GENERIC.len())];
            }
            let g = generate_with(
                &mut rng,
                picked,
                Some((&of.brand_text, of.chinese.is_some())),
            );
            names.push(g.english);
            truth.push(Truth::Related);
        } else {
            let mut g = generate(&mut rng);
            while listed_brands.contains(g.brand.as_str()) {
                g = generate(&mut rng);
            }
            names.push(g.english);
            truth.push(Truth::Unrelated);
        }
    }

    let started = Instant::now();
    let results = screen::screen_names(&index, &names, DEFAULT_THRESHOLD);
    let screen_time = started.elapsed();
    let (mut tp, mut fp, mut positives, mut hits) = (0_u64, 0_u64, 0_u64, 0_u64);
    let (mut related, mut related_hits, mut unrelated, mut fp_unrelated) =
        (0_u64, 0_u64, 0_u64, 0_u64);
    let mut near_brand = 0_u64;
    for (r, t) in results.iter().zip(&truth) {
        if !r.hits.is_empty() {
            hits += 1;
        }
        // A planted variant is found when its entry is among the hits; any hit of an unrelated
        // name, or of a planted variant not on its entry, is a false positive (an unrelated
        // name may be one typo from a listed brand: counted, not excused).
        match t {
            Truth::Planted(id) => {
                positives += 1;
                if r.hits.iter().any(|h| &h.entry_id == id) {
                    tp += 1;
                } else {
                    fp += u64::from(!r.hits.is_empty());
                }
            }
            Truth::Related => {
                related += 1;
                related_hits += u64::from(!r.hits.is_empty());
            }
            Truth::Unrelated => {
                unrelated += 1;
                fp += u64::from(!r.hits.is_empty());
                fp_unrelated += u64::from(!r.hits.is_empty());
                // Whether the best hit met the query's brand only through a typo or an
                // abbreviation: a brand within the engine's designed tolerance of a listed one
                // ("Dinglong" / "Xinglong"), indistinguishable from a misspelling.
                near_brand += u64::from(r.hits.first().is_some_and(|h| {
                    h.matches.iter().any(|m| {
                        matches!(m.kind, MatchKind::Typo | MatchKind::Abbreviation)
                            && !GENERIC_TOKENS.contains(&m.query.as_str())
                    })
                }));
            }
        }
    }

    // With SHOW_FALSE_POSITIVES=N, the first N unrelated names that hit, and why.
    let show: usize = std::env::var("SHOW_FALSE_POSITIVES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    for (r, _) in results
        .iter()
        .zip(&truth)
        .filter(|(r, t)| matches!(t, Truth::Unrelated) && !r.hits.is_empty())
        .take(show)
    {
        let h = &r.hits[0];
        let how: Vec<String> = h
            .matches
            .iter()
            .map(|m| format!("{}~{} {:?} {}", m.query, m.listed, m.kind, m.similarity))
            .collect();
        println!(
            "  false positive: {:?} → {:?} score {} [{}] unmatched {:?} / {:?}",
            r.name,
            h.matched_name,
            h.score,
            how.join(", "),
            h.unmatched_query,
            h.unmatched_listed
        );
    }

    // The anchor: a plain Jaro–Winkler scan of every listed name and alias, lower-cased, on a
    // sample of the queries (every tenth is a planted variant, as above), one core.
    let listed_names: Vec<(usize, String)> = index
        .entries()
        .iter()
        .enumerate()
        .flat_map(|(i, e)| {
            std::iter::once((i, e.name.to_lowercase()))
                .chain(e.alt_names.iter().map(move |a| (i, a.to_lowercase())))
        })
        .collect();
    let sample: Vec<usize> = (0..jw_sample.min(queries)).collect();
    let started = Instant::now();
    let (mut jw_tp, mut jw_fp, mut jw_pos) = (0_u64, 0_u64, 0_u64);
    for &q in &sample {
        let name = names[q].to_lowercase();
        let mut best = (0.0_f64, usize::MAX);
        for (entry, listed_name) in &listed_names {
            let s = strsim::jaro_winkler(&name, listed_name);
            if s > best.0 {
                best = (s, *entry);
            }
        }
        let hit = best.0 >= 0.9;
        match &truth[q] {
            Truth::Planted(id) => {
                jw_pos += 1;
                if hit && index.entries()[best.1].id == *id {
                    jw_tp += 1;
                } else {
                    jw_fp += u64::from(hit);
                }
            }
            Truth::Related => {}
            Truth::Unrelated => jw_fp += u64::from(hit),
        }
    }
    let jw_time = started.elapsed();
    let jw_per_query = jw_time.as_secs_f64() / sample.len().max(1) as f64;
    let (mut ix_tp, mut ix_fp) = (0_u64, 0_u64);
    for &q in &sample {
        let hit = !results[q].hits.is_empty();
        match &truth[q] {
            Truth::Planted(id) if results[q].hits.iter().any(|h| &h.entry_id == id) => ix_tp += 1,
            Truth::Planted(_) | Truth::Unrelated => ix_fp += u64::from(hit),
            Truth::Related => {}
        }
    }

    let pct = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    println!(
        "list: {} entries, {} names and aliases (load {:.3} s, index {:.3} s)",
        index.entries().len(),
        index.name_count(),
        load.as_secs_f64(),
        build.as_secs_f64()
    );
    println!(
        "indexed screen: {queries} names in {:.3} s ({:.0} names/s, {} threads), {hits} with hits",
        screen_time.as_secs_f64(),
        queries as f64 / screen_time.as_secs_f64(),
        rayon::current_num_threads()
    );
    println!(
        "  planted variants: recall {:.4} ({tp}/{positives}), precision {:.4} ({tp}/{})",
        pct(tp, positives),
        pct(tp, tp + fp),
        tp + fp
    );
    println!(
        "  unrelated names: {fp_unrelated} of {unrelated} hit (false-positive rate {:.4}), {near_brand} of them through a typo or abbreviation of a listed brand; related names (a listed brand, other generic words; not scored): {related_hits} of {related} hit",
        pct(fp_unrelated, unrelated)
    );
    println!(
        "plain Jaro-Winkler scan (≥ 0.90), {} names × {} list names, one core: {:.3} s = {:.2} ms/name → {:.0} s for {queries} names on one core ({:.0} s on two)",
        sample.len(),
        listed_names.len(),
        jw_time.as_secs_f64(),
        jw_per_query * 1e3,
        jw_per_query * queries as f64,
        jw_per_query * queries as f64 / 2.0
    );
    println!(
        "  same sample — JW: recall {:.4} ({jw_tp}/{jw_pos}), precision {:.4}; index: recall {:.4} ({ix_tp}/{jw_pos}), precision {:.4}",
        pct(jw_tp, jw_pos),
        pct(jw_tp, jw_tp + jw_fp),
        pct(ix_tp, jw_pos),
        pct(ix_tp, ix_tp + ix_fp)
    );
    println!(
        "speed-up of the index over the JW scan (per name, both on this machine): {:.0}×",
        jw_per_query / (screen_time.as_secs_f64() / queries as f64)
    );
    Ok(())
}
