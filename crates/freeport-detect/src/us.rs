//! US identifiers: SSN, ITIN, EIN, ABA routing, NPI, MBI, passports, driver's licences, NANP
//! phones, ZIP codes, street addresses and person names. Each validator lives with its detector
//! (`src/detectors/`); this module keeps what the SSN, ITIN and EIN share (the nine-digit shape)
//! and the family's tests.
//!
//! Rules and sources: `shared/reference/identifiers.md` §2.

use crate::checks::num;
use crate::detector::{Cell, Strength};

// The validators live with their detectors (`src/detectors/`); re-exported here under the
// family paths they have always had.
pub use crate::detectors::contact_address::street_address;
pub use crate::detectors::contact_phone::phone;
pub use crate::detectors::fin_routing_number::aba;
pub use crate::detectors::health_provider_npi::npi;
pub use crate::detectors::id_us_driver_license::driver_license;
pub use crate::detectors::id_us_itin::itin;
pub use crate::detectors::id_us_mbi::mbi;
pub use crate::detectors::id_us_passport::passport;
pub use crate::detectors::id_us_ssn::ssn;
pub use crate::detectors::location_postal_code::zip;
pub use crate::detectors::org_us_ein::ein;
pub use crate::detectors::person_name::us_name as name;
pub use crate::detectors::vehicle_plate::us_plate as plate;

/// Splits `AAA-GG-SSSS` (dashes or spaces) or 9 bare digits; `(digits, formatted)`.
pub(crate) fn nine(cell: &Cell<'_>) -> Option<([u32; 3], bool)> {
    if cell.digits != 9 || cell.len > 11 || cell.alpha > 0 || !cell.ascii() {
        return None;
    }
    let b = cell.s.as_bytes();
    let formatted = match b.len() {
        11 if matches!(
            (b.get(3), b.get(6)),
            (Some(b'-'), Some(b'-')) | (Some(b' '), Some(b' '))
        ) =>
        {
            true
        }
        9 => false,
        _ => return None,
    };
    let d = cell.packed_digits()?;
    Some((
        [num(d.get(..3)?)?, num(d.get(3..5)?)?, num(d.get(5..)?)?],
        formatted,
    ))
}

pub(crate) fn strength(formatted: bool) -> Strength {
    if formatted {
        Strength::Shaped
    } else {
        Strength::Weak
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Cell<'_> {
        Cell::new(s)
    }

    #[test]
    fn ssn_itin_ein() {
        assert_eq!(ssn(&c("219-09-9998")), Some(Strength::Shaped));
        assert_eq!(ssn(&c("219099998")), Some(Strength::Weak));
        for bad in [
            "666-12-3456",
            "000-12-3456",
            "912-12-3456",
            "219-00-9998",
            "219-09-0000",
            "123-45-6789",
            "078-05-1120",
            "219-099-998",
        ] {
            assert_eq!(ssn(&c(bad)), None, "{bad}");
        }
        assert_eq!(itin(&c("912-70-1234")), Some(Strength::Shaped));
        assert_eq!(itin(&c("912-93-1234")), None);
        assert_eq!(itin(&c("812-70-1234")), None);
        assert_eq!(ein(&c("12-3456789")), Some(Strength::Shaped));
        assert_eq!(ein(&c("07-3456789")), None);
        assert_eq!(ein(&c("123-456789")), None);
    }

    #[test]
    fn aba_npi_mbi() {
        assert_eq!(aba(&c("021000021")), Some(Strength::Validated));
        assert_eq!(aba(&c("123456789")), None);
        assert_eq!(npi(&c("1558598797")), Some(Strength::Validated));
        assert_eq!(npi(&c("1558598798")), None);
        assert_eq!(mbi(&c("1EG4-TE5-MK73")), Some(Strength::Shaped));
        assert_eq!(mbi(&c("1EG4TE5MK73")), Some(Strength::Shaped));
        assert_eq!(mbi(&c("0EG4-TE5-MK73")), None);
        assert_eq!(mbi(&c("1SG4-TE5-MK73")), None);
    }

    #[test]
    fn documents() {
        assert_eq!(passport(&c("A12345678")), Some(Strength::Weak));
        assert_eq!(passport(&c("A1234567")), None);
        assert_eq!(driver_license(&c("D1234567")), Some(Strength::Weak));
        assert_eq!(driver_license(&c("ABC12345")), None);
    }

    #[test]
    fn phones_and_zips() {
        for ok in [
            "(212) 555-0100",
            "212-555-0100",
            "+1 212 555 0100",
            "212.555.0100 x123",
        ] {
            assert_eq!(phone(&c(ok)), Some(Strength::Shaped), "{ok}");
        }
        assert_eq!(phone(&c("2125550100")), Some(Strength::Weak));
        for bad in ["1125550100", "2121550100", "212-555-010", "9115550100"] {
            assert_eq!(phone(&c(bad)), None, "{bad}");
        }
        assert_eq!(zip(&c("94103")), Some(Strength::Weak));
        assert_eq!(zip(&c("94103-1234")), Some(Strength::Shaped));
        assert_eq!(zip(&c("00000")), None);
        assert_eq!(zip(&c("9410")), None);
    }

    #[test]
    fn addresses_and_names() {
        assert!(street_address(&c("1600 Pennsylvania Ave NW, Washington, DC 20500")).is_some());
        assert!(street_address(&c("42 Oak Street Apt 5")).is_some());
        assert_eq!(street_address(&c("42 apples and pears")), None);
        assert!(street_address(&c("504 Pamela Harbors, Paulbury, PA 87326")).is_some());
        assert!(street_address(&c("PSC 1234, Box 5678, APO AE 09876")).is_some());
        assert_eq!(plate(&c("ABC-1234")), Some(Strength::Weak));
        assert_eq!(plate(&c("153-ONW")), Some(Strength::Weak));
        assert_eq!(plate(&c("ABCDEFGH")), None);
        assert_eq!(plate(&c("12345")), None);
        assert_eq!(name(&c("Mary Smith")), Some(Strength::Shaped));
        assert_eq!(name(&c("Smith, John")), Some(Strength::Shaped));
        assert_eq!(name(&c("John Q. Public")), Some(Strength::Shaped));
        assert_eq!(name(&c("Dr. Patricia Nash MD")), Some(Strength::Shaped));
        assert_eq!(name(&c("Zorblat Quux")), Some(Strength::Weak));
        assert_eq!(name(&c("Blue Widget Inc")), None);
        assert_eq!(name(&c("Smith and Sons")), None);
        assert_eq!(name(&c("Johnson")), Some(Strength::Weak));
        assert_eq!(name(&c("Blue Widget")), Some(Strength::Weak));
        assert_eq!(name(&c("mary smith")), None);
    }
}
