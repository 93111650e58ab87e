//! Subject keys (normalised values for exact distinct-subject counts) and masked examples.
//!
//! Keys make two spellings of one identifier count once: `11010519491231002x` and
//! `110105 19491231 002X` key alike, a legacy 15-digit resident ID keys like its 18-digit form,
//! `+86 138-1234-5678` like `13812345678`. Keys are raw personal data: callers hash them (with
//! a salt) before anything leaves the scanning stage.

use std::net::IpAddr;

use crate::checks::{compact, mod11_2_check};
use crate::detector::{Cell, Key, Mask, of_category};
use crate::intl::parse_date;

fn upper_compact(s: &str) -> Option<String> {
    let mut buf = [0u8; 64];
    let c = compact(s, &mut buf)?;
    String::from_utf8(c.to_vec()).ok()
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Normalised key of a value for exact distinct-subject counting (e.g. resident id with
/// uppercase X, phone digits only with the country code); `None` if the value is not a valid
/// instance of `category` (by that category's own detectors).
#[must_use]
pub fn subject_key(category: &str, value: &str) -> Option<String> {
    let v = value.trim();
    let cell = Cell::new(v);
    if cell.len == 0 {
        return None;
    }
    let detector = of_category(category);
    if let Some(d) = detector
        && !d.checks.is_empty()
        && !d.checks.iter().any(|c| (c.check)(&cell).is_some())
    {
        return None;
    }
    let key = match detector.map_or(Key::Compact, |d| d.key) {
        Key::ResidentId => {
            let c = upper_compact(v)?;
            if c.len() == 15 && c.bytes().all(|b| b.is_ascii_digit()) {
                // GB 11643-1989 → 1999: insert the century, append the check character.
                let first17 = format!("{}19{}", c.get(..6)?, c.get(6..)?);
                let check = char::from(mod11_2_check(first17.as_bytes())?);
                return Some(format!("{first17}{check}"));
            }
            Some(c)
        }
        Key::Phone => {
            let d = digits(v);
            if crate::cn::mobile(&cell).is_some() {
                // The last 11 digits are the number; the rest is +86 / 0086 / 86.
                return Some(format!("+86{}", d.get(d.len().saturating_sub(11)..)?));
            }
            if crate::us::phone(&cell).is_some() {
                let d = digits(v.split(['x', 'X']).next().unwrap_or(v));
                return Some(format!("+1{}", d.get(d.len().saturating_sub(10)..)?));
            }
            let d = d.strip_prefix("86").unwrap_or(&d);
            Some(format!("+86{}", d.strip_prefix('0').unwrap_or(d)))
        }
        Key::Lowercase => Some(v.to_ascii_lowercase()),
        Key::Digits => Some(digits(v)),
        Key::Ip => v.parse::<IpAddr>().ok().map(|ip| ip.to_string()),
        Key::Hex => Some(
            v.chars()
                .filter(char::is_ascii_hexdigit)
                .collect::<String>()
                .to_ascii_lowercase(),
        ),
        Key::Date => parse_date(v).map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)),
        Key::Words => {
            let words: Vec<&str> = v.split_whitespace().collect();
            let joiner = if cell.han > 0 { "" } else { " " };
            Some(words.join(joiner).to_lowercase())
        }
        Key::Plate => Some(
            v.chars()
                .filter(|c| !matches!(c, '-' | '·' | ' ' | '•' | '.'))
                .flat_map(char::to_uppercase)
                .collect(),
        ),
        Key::Compact => upper_compact(v).or_else(|| Some(v.to_string())),
    };
    // A value of separators only (`-`, `()`) identifies nobody; without this every such cell
    // would count as one shared subject.
    key.filter(|k| k.chars().any(char::is_alphanumeric))
}

/// Replaces the characters of `v` outside the first `head` and last `tail` non-separator
/// characters with `*`, keeping separators so the shape stays readable.
fn keep(v: &str, head: usize, tail: usize) -> String {
    let sep = |c: char| matches!(c, ' ' | '-' | '.' | '/' | '(' | ')' | '·' | ':' | '@' | ',');
    let total = v.chars().filter(|&c| !sep(c)).count();
    let (head, tail) = if head + tail >= total {
        // Too short to show anything safely: show at most a quarter.
        (total / 4, 0)
    } else {
        (head, tail)
    };
    let mut i = 0;
    v.chars()
        .map(|c| {
            if sep(c) {
                return c;
            }
            let shown = i < head || i >= total - tail;
            i += 1;
            if shown { c } else { '*' }
        })
        .collect()
}

/// What a masked example of sensitive content shows: a fixed string, so that not even the
/// length of a diagnosis or a note is shown.
pub const SENSITIVE_MASK: &str = "******";

/// The mask of a category no detector finds (`src/detectors/` holds the others'): whole for
/// groups whose values can reveal sensitive content in any part (a diagnosis, a belief, a note)
/// and for the few such categories found only inside text or not at all, else two characters
/// at each end.
fn undetected_mask(category: &str) -> Mask {
    let sensitive = ["health.", "genomic.", "biometric.", "communication."]
        .iter()
        .any(|p| category.starts_with(p))
        || matches!(
            category,
            "person.minor" | "fin.credit_report" | "fin.assets" | "fin.transaction"
        );
    if sensitive {
        Mask::Whole
    } else {
        Mask::Keep { head: 2, tail: 2 }
    }
}

/// Masked example for `--show-examples`, e.g. `110105********002X`. The mask keeps only what
/// the identifier's structure makes non-identifying on its own (region code, network prefix,
/// e-mail domain, surname initial); sensitive content (health, genomic, beliefs, notes) is a
/// fixed [`SENSITIVE_MASK`], never a prefix (`HIV po*******` revealed the diagnosis). Each
/// detector names its rule (`mask` in `src/detectors/`).
#[must_use]
pub fn mask(category: &str, value: &str) -> String {
    let v = value.trim();
    let rule = of_category(category).map_or_else(|| undetected_mask(category), |d| d.mask);
    match rule {
        Mask::Keep { head, tail } => keep(v, head, tail),
        Mask::Email => match v.split_once('@') {
            Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
            None => keep(v, 1, 0),
        },
        Mask::Name => {
            let mut out = String::new();
            for (i, word) in v.split(' ').enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                for (j, c) in word.chars().enumerate() {
                    out.push(if j == 0 && i == 0 { c } else { '*' });
                }
            }
            out
        }
        Mask::Year => match parse_date(v) {
            Some(d) => format!("{:04}-**-**", d.year),
            None => keep(v, 0, 0),
        },
        Mask::Whole => SENSITIVE_MASK.to_owned(),
        Mask::Address => {
            let n = v.chars().count();
            let shown = (n / 3).min(8);
            v.chars()
                .enumerate()
                .map(|(i, c)| if i < shown || c == ' ' { c } else { '*' })
                .collect()
        }
        Mask::Ip => match v.parse::<IpAddr>() {
            Ok(IpAddr::V4(ip)) => {
                let o = ip.octets();
                format!("{}.{}.*.*", o[0], o[1])
            }
            _ => keep(v, 4, 0),
        },
        Mask::Degrees => v
            .split(',')
            .map(|p| {
                let p = p.trim();
                match p.split_once('.') {
                    Some((i, f)) => format!("{i}.{}", "*".repeat(f.len())),
                    None => p.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join(","),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(
            subject_key("id.cn.resident_id", "11010519491231002x").as_deref(),
            Some("11010519491231002X")
        );
        assert_eq!(subject_key("id.cn.resident_id", "110105194912310021"), None);
        // Legacy 15-digit → its 18-digit form.
        assert_eq!(
            subject_key("id.cn.resident_id", "110105491231002").as_deref(),
            Some("11010519491231002X")
        );
        assert_eq!(
            subject_key("contact.phone", "+86 138-1234-5678"),
            subject_key("contact.phone", "13812345678")
        );
        assert_eq!(
            subject_key("contact.phone", "(212) 555-0100"),
            subject_key("contact.phone", "+1 212 555 0100")
        );
        assert_eq!(
            subject_key("contact.email", "Zhang.Wei@Example.com").as_deref(),
            Some("zhang.wei@example.com")
        );
        assert_eq!(
            subject_key("id.us.ssn", "219-09-9998").as_deref(),
            Some("219099998")
        );
        assert_eq!(subject_key("id.us.ssn", "666-09-9998"), None);
        assert_eq!(
            subject_key("vehicle.plate", "京A·12345"),
            subject_key("vehicle.plate", "京A12345")
        );
        assert_eq!(
            subject_key("person.birth_date", "1990年1月2日"),
            subject_key("person.birth_date", "1990-01-02")
        );
    }

    #[test]
    fn masks() {
        assert_eq!(
            mask("id.cn.resident_id", "11010519491231002X"),
            "110105********002X"
        );
        assert_eq!(mask("contact.phone", "13812345678"), "138****5678");
        assert_eq!(mask("id.us.ssn", "219-09-9998"), "***-**-9998");
        assert_eq!(
            mask("fin.payment_card", "4111 1111 1111 1111"),
            "4111 11** **** 1111"
        );
        assert_eq!(
            mask("contact.email", "zhang.wei@example.com"),
            "z***@example.com"
        );
        assert_eq!(mask("person.name", "王伟"), "王*");
        assert_eq!(mask("person.name", "Mary Smith"), "M*** *****");
        assert_eq!(mask("person.birth_date", "1990-01-02"), "1990-**-**");
        assert_eq!(
            mask("location.precise", "39.904211,116.407395"),
            "39.******,116.******"
        );
        assert_eq!(mask("online.ip_address", "192.168.1.20"), "192.168.*.*");
        assert_eq!(mask("x", "ab"), "**");
    }

    /// Issue 16 #6: a free-text example was masked by a prefix, `HIV po*******`, showing the
    /// diagnosis in clear.
    #[test]
    fn sensitive_content_is_masked_whole() {
        for (category, value) in [
            ("communication.content", "HIV positive, started ART in 2021"),
            ("communication.content", "客户自述患有乙肝，信仰佛教"),
            ("health.diagnosis", "HIV positive"),
            ("health.diagnosis", "B20"),
            ("health.lab_result", "HbA1c 9.2%"),
            ("person.religion", "Buddhist"),
            ("person.sex_life", "2"),
        ] {
            let masked = mask(category, value);
            assert_eq!(masked, SENSITIVE_MASK, "{category}");
            // Not a character of the value survives, nor its length.
            assert!(!masked.chars().any(|c| c != '*'));
        }
    }

    #[test]
    fn mask_never_reveals_middle() {
        let m = mask("id.cn.resident_id", "11010519491231002X");
        assert!(!m.contains("19491231"));
    }
}
