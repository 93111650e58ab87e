//! Chinese identifiers: resident ID, residence permits, permanent-residence IDs, USCC, phones,
//! passports, travel permits, licence plates, postal codes, names and addresses.
//!
//! Rules and sources: `shared/reference/identifiers.md` §1.

use crate::checks::{self, digits_only, mod11_2_check, num, real_date};
use crate::detector::{Cell, Strength};
use crate::lists::{CN_GIVEN, CN_SURNAMES, PROVINCES, province_code};

/// The 18 characters of a GB 11643-shaped number (upper-case X), or `None`.
fn eighteen<'c>(cell: &'c Cell<'_>) -> Option<&'c [u8]> {
    if cell.digits < 17 || cell.len > 22 || !cell.ascii() {
        return None;
    }
    let c = cell.packed()?;
    (c.len() == 18).then_some(c)
}

fn mod11_ok(c: &[u8]) -> bool {
    c.get(..17).and_then(mod11_2_check) == c.get(17).copied()
}

fn birth_ok(date: &[u8]) -> bool {
    let (Some(y), Some(m), Some(d)) = (
        date.get(0..4).and_then(num),
        date.get(4..6).and_then(num),
        date.get(6..8).and_then(num),
    ) else {
        return false;
    };
    (1880..=checks::MAX_BIRTH_YEAR).contains(&y) && real_date(y, m, d)
}

/// **What**: mainland resident identity card number (居民身份证号码), GB 11643-1999, 18 characters.
///
/// **Why**: the national identifier of every mainland resident; sensitive PI (it keys every
/// record of a person).
///
/// **How**: province code from the GB/T 2260 table (not 81–83, which are residence permits),
/// a real birth date, and the ISO 7064 MOD 11-2 check character.
///
/// **Example**: `11010519491231002X` matches; `110105194912310021` (wrong check) does not.
#[must_use]
pub fn resident_id(cell: &Cell<'_>) -> Option<Strength> {
    let c = eighteen(cell)?;
    let prov = c.get(..2).and_then(num)?;
    (province_code(prov) && c.get(6..14).is_some_and(birth_ok) && mod11_ok(c))
        .then_some(Strength::Validated)
}

/// **What**: legacy 15-digit resident ID (GB 11643-1989): address code, `YYMMDD`, sequence.
///
/// **Why**: still present in old records; no check digit, so it is only shape-validated.
///
/// **Example**: `110105491231002` matches; `110105491331002` (month 13) does not.
#[must_use]
pub fn resident_id_15(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len != 15 || cell.digits != 15 {
        return None;
    }
    let b = cell.s.as_bytes();
    let prov = b.get(..2).and_then(num)?;
    let (y, m, d) = (
        b.get(6..8).and_then(num)?,
        b.get(8..10).and_then(num)?,
        b.get(10..12).and_then(num)?,
    );
    (province_code(prov) && real_date(1900 + y, m, d)).then_some(Strength::Shaped)
}

/// **What**: residence permit for Hong Kong, Macao and Taiwan residents (港澳台居民居住证).
///
/// **Why**: same 18-character scheme as the resident ID with address code 810000 / 820000 /
/// 830000 (identifiers.md §1.2); identifies a person like a resident ID.
///
/// **Example**: `810000199001011234`-shaped numbers with a valid check character.
#[must_use]
pub fn hmt_residence_permit(cell: &Cell<'_>) -> Option<Strength> {
    let c = eighteen(cell)?;
    (matches!(c.get(..6), Some(b"810000" | b"820000" | b"830000"))
        && c.get(6..14).is_some_and(birth_ok)
        && mod11_ok(c))
    .then_some(Strength::Validated)
}

/// **What**: foreigner's permanent residence ID card (外国人永久居留身份证).
///
/// **Why**: the only national ID a foreign resident holds. 2023 format: 18 digits, first
/// digit 9, MOD 11-2 check (identifiers.md §1.2); 2017 format: 3 letters (nationality) +
/// 12 digits, shape only.
///
/// **Example**: `USA110075061301`-shaped (old) and `9…` 18-digit numbers with a valid check.
#[must_use]
pub fn foreigner_pr(cell: &Cell<'_>) -> Option<Strength> {
    if !cell.ascii() {
        return None;
    }
    if cell.len == 15 && cell.alpha == 3 && cell.digits == 12 {
        let b = cell.s.as_bytes();
        return (b.iter().take(3).all(u8::is_ascii_uppercase)
            && b.iter().skip(3).all(u8::is_ascii_digit))
        .then_some(Strength::Shaped);
    }
    let c = eighteen(cell)?;
    (c.first() == Some(&b'9')
        && c.get(1..17)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        && mod11_ok(c))
    .then_some(Strength::Validated)
}

/// **What**: unified social credit code (统一社会信用代码), GB 32100-2015.
///
/// **Why**: identifies an organisation (not PI by itself, but it reveals the counter-party and,
/// for sole traders, the person). Two independent checks: the GB 32100 check character and the
/// embedded GB 11714 organisation code (identifiers.md §1.3).
///
/// **Example**: `91350100M000100Y43` matches; `91350100M000100Y4Z` does not.
#[must_use]
pub fn uscc(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len != 18 || !cell.ascii() {
        return None;
    }
    let c = cell.packed()?;
    // Pure-digit strings are resident-ID territory; a USCC starts with a registration authority
    // and type and nearly always holds a letter, but all-digit codes exist, so only reject when the
    // structural prefix is wrong.
    let structural = matches!(c.first(), Some(b'1'..=b'9' | b'A' | b'N' | b'Y'))
        && matches!(c.get(1), Some(b'1'..=b'5' | b'9'))
        && c.get(2..8)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    (structural && checks::uscc_check(c) && c.get(8..17).is_some_and(checks::org_code_check))
        .then_some(Strength::Validated)
}

/// Current mainland mobile prefixes (libphonenumber CN metadata, identifiers.md §1.4).
fn mobile_prefix(d: &[u8]) -> bool {
    match d {
        [b'1', b'3' | b'8', ..] => true,
        [b'1', b'4', b'5' | b'7', ..] => true,
        [b'1', b'5' | b'9', x, ..] => *x != b'4',
        [b'1', b'6', b'2' | b'5' | b'6' | b'7', ..] => true,
        [b'1', b'6', b'1', b'0', ..] => true,
        [b'1', b'7', b'4', b'0', x, ..] => (b'0'..=b'5').contains(x),
        [b'1', b'7', b'0'..=b'3' | b'5'..=b'8', ..] => true,
        _ => false,
    }
}

/// **What**: mainland mobile number (手机号), 11 digits, optional `+86` / `0086` / `86`.
///
/// **Why**: a direct contact identifier and, through real-name registration, tied to a person.
///
/// **How**: current prefixes (`13x`, `14[57]`, `15[0-35-9]`, `16[25-7]`, `17[0-35-8]`, `18x`,
/// `19[0-35-9]`, `1610x`, `1740[0-5]`).
///
/// **Example**: `13812345678`, `+86 138 1234 5678` match; `12012345678` does not.
#[must_use]
pub fn mobile(cell: &Cell<'_>) -> Option<Strength> {
    if !(11..=20).contains(&cell.digits) || cell.alpha > 0 || !cell.ascii() {
        return None;
    }
    let p = cell.packed()?;
    let d = p.strip_prefix(b"+").unwrap_or(p);
    if !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let d = match d.len() {
        11 => d,
        13 if d.starts_with(b"86") => d.get(2..)?,
        15 if d.starts_with(b"0086") => d.get(4..)?,
        _ => return None,
    };
    mobile_prefix(d).then_some(Strength::Shaped)
}

/// **What**: mainland fixed-line number: `0` + 2–3-digit area code + 7–8 digits, optional
/// extension, optional `+86` (libphonenumber CN fixed-line pattern, identifiers.md §1.4).
///
/// **Why**: contact data; a home number identifies a household.
///
/// **Example**: `010-62751234`, `0755-86013388` match (separator makes it `Shaped`);
/// a bare `01062751234` is only `Weak`.
#[must_use]
pub fn landline(cell: &Cell<'_>) -> Option<Strength> {
    if !(9..=16).contains(&cell.digits) || cell.alpha > 0 || !cell.ascii() {
        return None;
    }
    let s = cell.s;
    let (s, intl) = match s.strip_prefix("+86") {
        Some(rest) => (rest.trim_start(), true),
        None => (s, false),
    };
    let mut parts = s.splitn(2, ['-', ' ', ')']);
    let first = parts.next()?.trim_start_matches('(');
    let rest = parts.next();
    let area_ok = |a: &[u8]| {
        // Area codes: 10, 2x (2 digits after 0) or 3 digits not starting with 1 or 2.
        matches!(a, [b'1', b'0'] | [b'2', _] | [b'3'..=b'9', _, _])
    };
    let mut buf = [0u8; 24];
    if let Some(rest) = rest {
        let fb = first.as_bytes();
        let area = if intl { fb } else { fb.strip_prefix(b"0")? };
        let local = digits_only(rest.trim(), &mut buf)?;
        return (area.iter().all(u8::is_ascii_digit)
            && area_ok(area)
            && (7..=8).contains(&local.len())
            && local.first().is_some_and(|&b| b != b'0' && b != b'1'))
        .then_some(Strength::Shaped);
    }
    let d = digits_only(s, &mut buf)?;
    let d = d.strip_prefix(b"0")?;
    for alen in [2usize, 3] {
        if let (Some(a), Some(local)) = (d.get(..alen), d.get(alen..))
            && area_ok(a)
            && (7..=8).contains(&local.len())
            && local.first().is_some_and(|&b| b > b'1')
        {
            return Some(Strength::Weak);
        }
    }
    None
}

/// **What**: PRC passport numbers (identifiers.md §1.5, secondary sources): `E` + letter (not I/O) + 7 digits
/// (since 2017), `E`/`G` + 8 digits, `14`/`15` + 7 digits, `DE`/`PE`/`SE` + 7 digits,
/// `K` + 8 (HKSAR), `MA` + 7 (Macao SAR).
///
/// **Why**: a travel document number identifies its holder. No check digit outside the MRZ.
///
/// **Example**: `EF1260892` matches (`Shaped`); `E12345678` is shared with US passports (`Weak`).
#[must_use]
pub fn passport(cell: &Cell<'_>) -> Option<Strength> {
    if !(9..=10).contains(&cell.len) || !cell.ascii() {
        return None;
    }
    let c = cell.packed()?;
    let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
    match c {
        [b'E', l, rest @ ..]
            if l.is_ascii_uppercase()
                && !matches!(l, b'I' | b'O')
                && rest.len() == 7
                && digits(rest) =>
        {
            Some(Strength::Shaped)
        }
        [b'D' | b'P' | b'S', b'E', rest @ ..] | [b'M', b'A', rest @ ..]
            if rest.len() == 7 && digits(rest) =>
        {
            Some(Strength::Shaped)
        }
        [b'E' | b'G' | b'K', rest @ ..] if rest.len() == 8 && digits(rest) => Some(Strength::Weak),
        [b'1', b'4' | b'5', rest @ ..] if rest.len() == 7 && digits(rest) => Some(Strength::Weak),
        _ => None,
    }
}

/// **What**: mainland travel permit for Hong Kong and Macao residents (回乡证): `H`/`M` + 8-digit
/// lifetime number + optional 2-digit renewal count (identifiers.md §1.6).
///
/// **Why**: the mainland identity document of HK/MO residents. (Taiwan compatriot permits are
/// 8 bare digits and are only recognised through the header.)
///
/// **Example**: `H1234567801` (`Shaped`), `M12345678` (`Weak`, shared with other letter+8 codes).
#[must_use]
pub fn travel_permit(cell: &Cell<'_>) -> Option<Strength> {
    let b = cell.s.as_bytes();
    match (b.first(), cell.len, cell.digits) {
        (Some(b'H' | b'M'), 11, 10) => Some(Strength::Shaped),
        (Some(b'H' | b'M'), 9, 8) => Some(Strength::Weak),
        _ => None,
    }
}

/// Province abbreviations used on plates (identifiers.md §1.7).
const PLATE_PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// **What**: mainland licence plate: province character + authority letter + 5 alphanumerics,
/// or 6 for new-energy vehicles (`D`/`F` first, or last) (identifiers.md §1.7).
///
/// **Why**: identifies a vehicle and through registration its keeper; plates in trip data
/// reveal movements.
///
/// **Example**: `京A12345`, `粤B·D12345`, `沪A-DF1234` match; `京A1234` does not.
#[must_use]
pub fn plate(cell: &Cell<'_>) -> Option<Strength> {
    if cell.han == 0 || cell.han > 2 || cell.chars > 12 {
        return None;
    }
    let mut chars = cell
        .s
        .chars()
        .filter(|c| !matches!(c, '-' | '·' | ' ' | '•' | '.'));
    let p = chars.next()?;
    if !PLATE_PROVINCES.contains(p) {
        return None;
    }
    let authority = chars.next()?;
    if !authority.is_ascii_uppercase() {
        return None;
    }
    let mut rest = [0u8; 8];
    let mut n = 0;
    for c in chars {
        // The last character may be 学/警/挂 etc. on special plates; accept them as a final mark.
        if !c.is_ascii_alphanumeric() {
            if matches!(c, '学' | '警' | '挂' | '领' | '使' | '港' | '澳') && n == 4 {
                return Some(Strength::Shaped);
            }
            return None;
        }
        let slot = rest.get_mut(n)?;
        *slot = u8::try_from(c).ok()?.to_ascii_uppercase();
        n += 1;
    }
    let r = rest.get(..n)?;
    if r.iter().any(|&b| b == b'I' || b == b'O') {
        return None;
    }
    let digits = |x: &[u8]| x.iter().all(u8::is_ascii_digit);
    match n {
        5 => Some(Strength::Shaped),
        // Small NEV: D/F, then letter or digit, then 4 digits; large NEV: 5 digits then D/F.
        6 => match r {
            [b'D' | b'F', _, tail @ ..] if digits(tail) => Some(Strength::Shaped),
            [head @ .., b'D' | b'F'] if digits(head) => Some(Strength::Shaped),
            _ => None,
        },
        _ => None,
    }
}

/// **What**: mainland postal code (邮政编码), 6 digits, first digit 0–8 (no zone starts with 9).
///
/// **Why**: a coarse location; identifies a person only together with other fields, so this is
/// `Weak` and the header decides.
///
/// **Example**: `100871`.
#[must_use]
pub fn postal_code(cell: &Cell<'_>) -> Option<Strength> {
    (cell.len == 6 && cell.digits == 6 && cell.s.as_bytes().first().is_some_and(|&b| b <= b'8'))
        .then_some(Strength::Weak)
}

fn han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// **What**: Chinese personal name: a known surname (single or compound) followed by a one- or
/// two-character given name.
///
/// **Why**: names are PI. Shape alone is weak (any 2–4 Han characters), so the given-name model
/// requires the given name to be drawn mostly from characters common in names; the column
/// decision then rests on the share of name-like values.
///
/// **Example**: `王伟`, `欧阳娜娜`, `张 晓明` match; `苹果手机`, `北京市` do not.
#[must_use]
pub fn name(cell: &Cell<'_>) -> Option<Strength> {
    if !(2..=5).contains(&cell.han) || cell.digits + cell.alpha > 0 || cell.chars > cell.han + 1 {
        return None;
    }
    let mut buf = ['\0'; 5];
    let mut n = 0;
    for c in cell.s.chars().filter(|&c| han(c)) {
        *buf.get_mut(n)? = c;
        n += 1;
    }
    let chars = buf.get(..n)?;
    let try_split = |k: usize| -> Option<Strength> {
        let (sur, given) = (chars.get(..k)?, chars.get(k..)?);
        if !(1..=2).contains(&given.len()) {
            return None;
        }
        let mut b = [0u8; 8];
        let mut n = 0;
        for ch in sur {
            n += ch.encode_utf8(b.get_mut(n..)?).len();
        }
        if !CN_SURNAMES.contains(std::str::from_utf8(b.get(..n)?).ok()?) {
            return None;
        }
        // Given names draw on a long tail of characters: one common name character in a
        // two-character given name is enough for a name-like value.
        let common = given.iter().filter(|c| CN_GIVEN.contains(c)).count();
        match (given.len(), common) {
            (_, 0) => None,
            (1, 1) | (2, _) => Some(Strength::Shaped),
            _ => Some(Strength::Weak),
        }
    };
    try_split(2).or_else(|| try_split(1))
}

/// Address tokens, from coarse to fine.
const ADDRESS_TOKENS: &[&str] = &[
    "省", "市", "区", "县", "镇", "乡", "村", "路", "街", "道", "巷", "弄", "号", "楼", "室", "栋",
    "幢", "单元", "小区", "大厦", "花园", "苑", "组",
];

/// **What**: Chinese postal address: Han text with administrative-division tokens
/// (province/city/district: 省 市 区 县 镇) and street/building tokens (路 街 号 楼 室 …).
///
/// **Why**: a home address is PI and, with a name, identifies a person.
///
/// **How**: at least one division token and one street/building token, or a province name,
/// plus a digit (house number) or ≥ 3 tokens.
///
/// **Example**: `广东省深圳市南山区科技园路18号` matches; `北京` does not.
#[must_use]
pub fn address(cell: &Cell<'_>) -> Option<Strength> {
    if cell.han < 5 || cell.chars > 80 {
        return None;
    }
    let s = cell.s;
    // Prose (sentence punctuation) is free text that may contain an address, not an address.
    if s.contains(['，', '。', '！', '？', '；', '：', '!', '?']) {
        return None;
    }
    let tokens = ADDRESS_TOKENS.iter().filter(|t| s.contains(*t)).count();
    let division = ["省", "市", "区", "县", "镇", "乡"]
        .iter()
        .any(|t| s.contains(t))
        || PROVINCES
            .iter()
            .any(|p| p.names.first().is_some_and(|n| s.starts_with(n)));
    let street = ["路", "街", "道", "巷", "弄", "号", "楼", "室", "村", "小区"]
        .iter()
        .any(|t| s.contains(t));
    if division && street && (cell.digits > 0 || tokens >= 3) {
        Some(Strength::Shaped)
    } else if division && tokens >= 2 {
        Some(Strength::Weak)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Cell<'_> {
        Cell::new(s)
    }

    #[test]
    fn resident_id_vectors() {
        for ok in [
            "11010519491231002X",
            "440524188001010014",
            "34052419800101001X",
            "11010519491231002x",
        ] {
            assert_eq!(resident_id(&c(ok)), Some(Strength::Validated), "{ok}");
        }
        for bad in [
            "110105194912310021", // wrong check
            "20010519491231002X", // province 20 does not exist
            "110105194902300024", // 30 February
            "1101051949123100",   // short
            "810000199001011234", // permit, not resident id
        ] {
            assert_eq!(resident_id(&c(bad)), None, "{bad}");
        }
        assert_eq!(
            resident_id_15(&c("110105491231002")),
            Some(Strength::Shaped)
        );
        assert_eq!(resident_id_15(&c("110105491331002")), None);
    }

    fn with_check(first17: &str) -> String {
        let ch = mod11_2_check(first17.as_bytes()).map(char::from).unwrap();
        format!("{first17}{ch}")
    }

    #[test]
    fn permits() {
        let hk = with_check("81000019900101123");
        assert_eq!(hmt_residence_permit(&c(&hk)), Some(Strength::Validated));
        assert_eq!(resident_id(&c(&hk)), None);
        let bad = format!("{}{}", &hk[..17], if hk.ends_with('0') { '1' } else { '0' });
        assert_eq!(hmt_residence_permit(&c(&bad)), None);
        let pr = with_check("93344019900101123");
        assert_eq!(foreigner_pr(&c(&pr)), Some(Strength::Validated));
        assert_eq!(foreigner_pr(&c("USA110075061301")), Some(Strength::Shaped));
        assert_eq!(foreigner_pr(&c("USA11007506130")), None);
    }

    #[test]
    fn uscc_vectors() {
        assert_eq!(uscc(&c("91350100M000100Y43")), Some(Strength::Validated));
        assert_eq!(uscc(&c("91110108551385082Q")), Some(Strength::Validated));
        assert_eq!(uscc(&c("91350100M000100Y4Z")), None);
        assert_eq!(uscc(&c("91310115MA1H8R7C6D")), None);
    }

    #[test]
    fn phones() {
        for ok in [
            "13812345678",
            "+86 138 1234 5678",
            "0086-13812345678",
            "19912345678",
            "17400123456",
        ] {
            assert_eq!(mobile(&c(ok)), Some(Strength::Shaped), "{ok}");
        }
        for bad in [
            "12012345678",
            "1381234567",
            "19412345678",
            "17461234567",
            "2381234567a",
        ] {
            assert_eq!(mobile(&c(bad)), None, "{bad}");
        }
        assert_eq!(landline(&c("010-62751234")), Some(Strength::Shaped));
        assert_eq!(landline(&c("0755-86013388")), Some(Strength::Shaped));
        assert_eq!(landline(&c("(0755)86013388")), Some(Strength::Shaped));
        assert_eq!(landline(&c("01062751234")), Some(Strength::Weak));
        assert_eq!(landline(&c("010-0275123")), None);
        assert_eq!(landline(&c("13812345678")), None);
    }

    #[test]
    fn passports_permits_plates() {
        assert_eq!(passport(&c("EF1260892")), Some(Strength::Shaped));
        assert_eq!(passport(&c("E12345678")), Some(Strength::Weak));
        assert_eq!(passport(&c("EI1260892")), None);
        assert_eq!(passport(&c("X1260892")), None);
        assert_eq!(travel_permit(&c("H1234567801")), Some(Strength::Shaped));
        assert_eq!(travel_permit(&c("M12345678")), Some(Strength::Weak));
        assert_eq!(travel_permit(&c("A1234567801")), None);
        for ok in [
            "京A12345",
            "粤B·D12345",
            "沪A-DF1234",
            "浙C 12345F",
            "京A1234学",
        ] {
            assert_eq!(plate(&c(ok)), Some(Strength::Shaped), "{ok}");
        }
        for bad in ["京A1234", "京112345", "好A12345", "京AI2345", "京A123456"] {
            assert_eq!(plate(&c(bad)), None, "{bad}");
        }
    }

    #[test]
    fn names_and_addresses() {
        for ok in ["王伟", "欧阳娜娜", "张 晓明", "李秀英"] {
            assert!(name(&c(ok)).is_some(), "{ok}");
        }
        assert_eq!(name(&c("王珺琰")), None, "no common given-name character");
        assert_eq!(name(&c("王琰伟")), Some(Strength::Shaped));
        for bad in [
            "苹果手机",
            "北京市",
            "王",
            "王伟1",
            "客户服务中心",
            "王府井",
        ] {
            assert_eq!(name(&c(bad)), None, "{bad}");
        }
        assert_eq!(
            address(&c("广东省深圳市南山区科技园路18号")),
            Some(Strength::Shaped)
        );
        assert_eq!(
            address(&c("北京市朝阳区建国路88号SOHO现代城3栋1201室")),
            Some(Strength::Shaped)
        );
        assert_eq!(address(&c("北京")), None);
        assert_eq!(postal_code(&c("100871")), Some(Strength::Weak));
        assert_eq!(postal_code(&c("900871")), None);
        assert_eq!(postal_code(&c("10087")), None);
        assert_eq!(address(&c("今天天气很好我们去公园散步吧")), None);
    }
}
