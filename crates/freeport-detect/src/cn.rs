//! Chinese identifiers: resident ID, residence permits, permanent-residence IDs, USCC, phones,
//! passports, travel permits, licence plates, postal codes, names and addresses. Each validator
//! lives with its detector (`src/detectors/`); this module keeps what several share (the
//! GB 11643 shape, check character and birth date) and the family's tests.
//!
//! Rules and sources: `shared/reference/identifiers.md` §1.

use crate::checks::{self, mod11_2_check, num, real_date};
use crate::detector::Cell;

// The validators live with their detectors (`src/detectors/`); re-exported here under the
// family paths they have always had.
pub use crate::detectors::contact_address::address;
pub use crate::detectors::contact_phone::{landline, mobile};
pub use crate::detectors::id_cn_foreigner_pr::foreigner_pr;
pub use crate::detectors::id_cn_hmt_residence_permit::hmt_residence_permit;
pub use crate::detectors::id_cn_passport::passport;
pub use crate::detectors::id_cn_resident_id::{resident_id, resident_id_15};
pub use crate::detectors::id_cn_travel_permit::travel_permit;
pub use crate::detectors::location_postal_code::postal_code;
pub use crate::detectors::org_cn_uscc::uscc;
pub use crate::detectors::person_name::cn_name as name;
pub use crate::detectors::vehicle_plate::cn_plate as plate;

/// The 18 characters of a GB 11643-shaped number (upper-case X), or `None`.
pub(crate) fn eighteen<'c>(cell: &'c Cell<'_>) -> Option<&'c [u8]> {
    if cell.digits < 17 || cell.len > 22 || !cell.ascii() {
        return None;
    }
    let c = cell.packed()?;
    (c.len() == 18).then_some(c)
}

pub(crate) fn mod11_ok(c: &[u8]) -> bool {
    c.get(..17).and_then(mod11_2_check) == c.get(17).copied()
}

pub(crate) fn birth_ok(date: &[u8]) -> bool {
    let (Some(y), Some(m), Some(d)) = (
        date.get(0..4).and_then(num),
        date.get(4..6).and_then(num),
        date.get(6..8).and_then(num),
    ) else {
        return false;
    };
    (1880..=checks::MAX_BIRTH_YEAR).contains(&y) && real_date(y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detector::Strength;

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
