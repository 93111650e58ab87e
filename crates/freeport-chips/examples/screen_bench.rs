//! Screening benchmark (`bench/chips/run.sh`): a generated list of LIST entries in the CSL's CSV
//! form (names from syllable pools and generic words, a Chinese alias for a third of them), and
//! QUERIES names to screen — one in ten a planted variant of a listed name (typo, word order,
//! legal form, case, full-width, pinyin spacing, Chinese or traditional characters), the rest
//! generated names that share the pools' vocabulary but are not listed. Measures the indexed
//! screen of every query (both cores) against a plain Jaro–Winkler scan of the same list on a
//! sample (one core's share extrapolated), and precision/recall of both on the planted set.
//! Usage: screen_bench [QUERIES] [LIST] [JW_SAMPLE]

#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::fmt::Write as _;
use std::time::Instant;

use freeport_chips::screen::{self, DEFAULT_THRESHOLD, Index};

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

const HAN: &str = "天蓝洪山金星青云北方中原海汉芯西东华兴瑞信明德宇航安康泰宏达远光辉新长城永盛鑫源恒通博创卓越联合启智";
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
const LEGAL: [&str; 6] = [
    "Co., Ltd.",
    "Limited",
    "Company Limited",
    "Group",
    "Inc.",
    "Corporation",
];
const LATIN: [&str; 24] = [
    "ka", "ro", "mi", "ta", "ven", "lor", "dex", "sun", "mar", "tel", "nor", "vik", "zan", "bel",
    "cor", "pax", "qua", "ril", "sol", "tor", "ul", "vor", "wen", "xan",
];

struct Generated {
    english: String,
    chinese: Option<String>,
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
    let generic: Vec<&(&str, &str)> = (0..words).map(|_| rng.pick(&GENERIC)).collect();
    let legal = rng.pick(&LEGAL);
    if rng.below(3) == 0 {
        let brand = han_brand(rng);
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
        }
    } else {
        let brand: String = (0..2 + rng.below(2)).map(|_| *rng.pick(&LATIN)).collect();
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

    // The queries: one in ten a planted variant of a listed name.
    let mut names = Vec::with_capacity(queries);
    let mut truth: Vec<Option<String>> = Vec::with_capacity(queries);
    for q in 0..queries {
        if q % 10 == 0 {
            let i = rng.below(listed.len());
            names.push(variant(&mut rng, &listed[i], &reverse));
            truth.push(Some(format!("gen-{i}")));
        } else {
            let mut g = generate(&mut rng);
            while seen.contains(&g.english.to_lowercase()) {
                g = generate(&mut rng);
            }
            names.push(g.english);
            truth.push(None);
        }
    }

    let started = Instant::now();
    let results = screen::screen_names(&index, &names, DEFAULT_THRESHOLD);
    let screen_time = started.elapsed();
    let (mut tp, mut fp, mut positives, mut hits) = (0_u64, 0_u64, 0_u64, 0_u64);
    for (r, t) in results.iter().zip(&truth) {
        if t.is_some() {
            positives += 1;
        }
        if !r.hits.is_empty() {
            hits += 1;
        }
        // A planted variant is found when its entry is among the hits; any other hit is a
        // false positive (a generated name may be close to a listed one: counted, not excused).
        match t {
            Some(id) if r.hits.iter().any(|h| &h.entry_id == id) => tp += 1,
            _ => fp += u64::from(!r.hits.is_empty()),
        }
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
        if truth[q].is_some() {
            jw_pos += 1;
        }
        match &truth[q] {
            Some(id) if hit && index.entries()[best.1].id == *id => jw_tp += 1,
            _ => jw_fp += u64::from(hit),
        }
    }
    let jw_time = started.elapsed();
    let jw_per_query = jw_time.as_secs_f64() / sample.len().max(1) as f64;
    let (mut ix_tp, mut ix_fp) = (0_u64, 0_u64);
    for &q in &sample {
        match &truth[q] {
            Some(id) if results[q].hits.iter().any(|h| &h.entry_id == id) => ix_tp += 1,
            _ => ix_fp += u64::from(!results[q].hits.is_empty()),
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
