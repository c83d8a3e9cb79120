//! House numbers as they are written on buildings: «15», «15А», «15/1», «15 корп. 2», «15к2».
//!
//! A number is a whole number (1..=100000) with optionally a letter (Cyrillic, Kazakh or Latin, stored
//! in upper case), a fraction («15/1»: a building on the corner plot or behind the street line) and a
//! building of a complex («корпус»: «15 корп. 2», «15 корпус 2», «15к2», «15 к. 2»). The order is the
//! walking order along a street: by the number, then the fraction (none first), then the letter (none
//! first; letters in the Kazakh Cyrillic alphabet order, which contains the Russian one, then Latin),
//! then the корпус (none first):
//!
//! `15 < 15 корп. 1 < 15 корп. 2 < 15А < 15Б < 15/1 < 15/1А < 15/2 < 16`.
//!
//! The walk steps through the frame's whole numbers; a building with a letter, fraction or корпус is
//! an extra building the interviewer adds next to its whole number
//! ([`crate::walk::WalkState::describe_extra_building`]) and the walk places it by this order.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::frame::MAX_HOUSE_NUMBER;
use crate::text::Localized;

/// The Kazakh Cyrillic alphabet (which contains the Russian one), in order: the order of house letters.
const ALPHABET: &str = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ";

/// A house number: `15`, `15А`, `15/1`, `15 корп. 2` and their combinations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HouseNumber {
    pub number: u32,
    pub letter: Option<char>,
    pub fraction: Option<u32>,
    pub korpus: Option<u32>,
}

impl HouseNumber {
    /// A plain whole number.
    pub fn plain(number: u32) -> HouseNumber {
        HouseNumber { number, letter: None, fraction: None, korpus: None }
    }

    /// Whether it is a plain whole number (no letter, fraction or корпус).
    pub fn is_plain(&self) -> bool {
        self.letter.is_none() && self.fraction.is_none() && self.korpus.is_none()
    }

    /// Reads a house number as written; `base` is the whole number to take when the text gives only
    /// a корпус («корп. 2» next to house 15 is «15 корп. 2»). The error is worded in ru/kk/en.
    pub fn parse_near(text: &str, base: Option<u32>) -> Result<HouseNumber, Localized> {
        let bad = || {
            Localized::new(
                format!("Номер дома «{text}» не прочитан: пишите 15, 15А, 15/1, 15 корп. 2 или 15к2."),
                format!("«{text}» үй нөмірі оқылмады: 15, 15А, 15/1, 15 корп. 2 немесе 15к2 деп жазыңыз."),
                format!("The house number \"{text}\" cannot be read: write 15, 15А, 15/1, 15 корп. 2 or 15к2."),
            )
        };
        let lower = text.trim().to_lowercase();
        let chars: Vec<char> = lower.chars().collect();
        let mut i = 0;
        let skip_space = |i: &mut usize| {
            while *i < chars.len() && (chars[*i].is_whitespace() || chars[*i] == ',') {
                *i += 1;
            }
        };
        let digits = |i: &mut usize| -> Option<u32> {
            let start = *i;
            while *i < chars.len() && chars[*i].is_ascii_digit() {
                *i += 1;
            }
            if *i == start || *i - start > 6 {
                return None;
            }
            chars[start..*i].iter().collect::<String>().parse().ok()
        };
        // The корпус marker: «корпус», «корп.», «корп», «к.», «к», and Latin «k», «korp».
        let korpus_marker = |i: &mut usize| -> bool {
            for m in ["корпус", "корп.", "корп", "korp.", "korp", "к.", "к", "k"] {
                let m: Vec<char> = m.chars().collect();
                if chars.len() >= *i + m.len() && chars[*i..*i + m.len()] == m[..] {
                    let after = *i + m.len();
                    // «к» must be followed by a space, a dot or a digit (not a letter of a word).
                    if after < chars.len() && chars[after].is_alphabetic() {
                        continue;
                    }
                    *i = after;
                    return true;
                }
            }
            false
        };
        skip_space(&mut i);
        let number = match digits(&mut i) {
            Some(n) => n,
            None => {
                // Only a корпус, next to `base`.
                let base = base.ok_or_else(bad)?;
                if !korpus_marker(&mut i) {
                    return Err(bad());
                }
                skip_space(&mut i);
                let k = digits(&mut i).ok_or_else(bad)?;
                skip_space(&mut i);
                if i != chars.len() || k == 0 {
                    return Err(bad());
                }
                return Ok(HouseNumber { number: base, letter: None, fraction: None, korpus: Some(k) });
            }
        };
        if number == 0 || number > MAX_HOUSE_NUMBER {
            return Err(bad());
        }
        let mut out = HouseNumber::plain(number);
        // A letter: directly or after one space («15А», «15 а»), not the start of a корпус marker.
        let mut j = i;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        if j < chars.len() && chars[j].is_alphabetic() {
            let mut probe = j;
            let is_marker = korpus_marker(&mut probe) && {
                let mut p = probe;
                skip_space(&mut p);
                p < chars.len() && chars[p].is_ascii_digit()
            };
            let next_is_letter = j + 1 < chars.len() && chars[j + 1].is_alphabetic();
            if !is_marker && !next_is_letter {
                out.letter = chars[j].to_uppercase().next();
                i = j + 1;
            }
        }
        if i < chars.len() && chars[i] == '/' {
            i += 1;
            out.fraction = Some(digits(&mut i).filter(|f| *f > 0).ok_or_else(bad)?);
            if i < chars.len() && chars[i].is_alphabetic() && out.letter.is_none() {
                let mut probe = i;
                if !korpus_marker(&mut probe) {
                    out.letter = chars[i].to_uppercase().next();
                    i += 1;
                }
            }
        }
        skip_space(&mut i);
        if i < chars.len() {
            if !korpus_marker(&mut i) {
                return Err(bad());
            }
            skip_space(&mut i);
            out.korpus = Some(digits(&mut i).filter(|k| *k > 0).ok_or_else(bad)?);
            skip_space(&mut i);
            if i != chars.len() {
                return Err(bad());
            }
        }
        if let Some(l) = out.letter {
            if !(ALPHABET.contains(l) || l.is_ascii_uppercase()) {
                return Err(bad());
            }
        }
        Ok(out)
    }

    fn letter_rank(&self) -> u32 {
        match self.letter {
            None => 0,
            Some(l) => match ALPHABET.chars().position(|a| a == l) {
                Some(p) => p as u32 + 1,
                None => 100 + l as u32,
            },
        }
    }

    fn key(&self) -> (u32, u32, u32, u32) {
        (self.number, self.fraction.unwrap_or(0), self.letter_rank(), self.korpus.unwrap_or(0))
    }
}

impl std::str::FromStr for HouseNumber {
    type Err = Localized;
    fn from_str(s: &str) -> Result<HouseNumber, Localized> {
        HouseNumber::parse_near(s, None)
    }
}

impl Ord for HouseNumber {
    fn cmp(&self, other: &HouseNumber) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for HouseNumber {
    fn partial_cmp(&self, other: &HouseNumber) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for HouseNumber {
    /// The canonical form: `15`, `15А`, `15/1`, `15/1А`, `15 корп. 2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number)?;
        if let (Some(l), None) = (self.letter, self.fraction) {
            write!(f, "{l}")?;
        }
        if let Some(fr) = self.fraction {
            write!(f, "/{fr}")?;
            if let Some(l) = self.letter {
                write!(f, "{l}")?;
            }
        }
        if let Some(k) = self.korpus {
            write!(f, " корп. {k}")?;
        }
        Ok(())
    }
}

impl Serialize for HouseNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for HouseNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<HouseNumber, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(|e: Localized| serde::de::Error::custom(e.en))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> HouseNumber {
        s.parse().unwrap_or_else(|e: Localized| panic!("{s}: {}", e.en))
    }

    #[test]
    fn the_written_forms_are_read() {
        assert_eq!(n("15"), HouseNumber::plain(15));
        for s in ["15А", "15а", "15 А", " 15A "] {
            let h = n(s);
            assert_eq!((h.number, h.fraction, h.korpus), (15, None, None), "{s}");
            assert!(h.letter.is_some(), "{s}");
        }
        assert_eq!(n("15а").letter, Some('А'));
        assert_eq!(n("15/1"), HouseNumber { fraction: Some(1), ..HouseNumber::plain(15) });
        assert_eq!(n("15/1а"), HouseNumber { fraction: Some(1), letter: Some('А'), ..HouseNumber::plain(15) });
        for s in ["15 корп. 2", "15 корпус 2", "15к2", "15 к. 2", "15, корп. 2", "15 К2", "15k2"] {
            assert_eq!(n(s), HouseNumber { korpus: Some(2), ..HouseNumber::plain(15) }, "{s}");
        }
        assert_eq!(n("15А корп. 3"), HouseNumber { letter: Some('А'), korpus: Some(3), ..HouseNumber::plain(15) });
        assert_eq!(n("12Қ").letter, Some('Қ'), "Kazakh letters");
        assert_eq!(HouseNumber::parse_near("корп. 2", Some(15)).unwrap(), n("15 корп. 2"));
    }

    #[test]
    fn anything_else_is_refused_in_three_languages() {
        for s in ["", "А", "0", "15//1", "15/0", "15 корп.", "15 корп. 2 x", "15АБ", "15 дом", "корп. 2", "100001", "15/", "15-17"]
        {
            let e = s.parse::<HouseNumber>().unwrap_err();
            assert!(e.ru.contains("Номер дома") && e.kk.contains("үй нөмірі") && e.en.contains("house number"), "{s}");
        }
    }

    #[test]
    fn the_walking_order() {
        let order = ["15", "15 корп. 1", "15 корп. 2", "15А", "15Б", "15/1", "15/1А", "15/2", "16", "16А"];
        let parsed: Vec<HouseNumber> = order.iter().map(|s| n(s)).collect();
        for w in parsed.windows(2) {
            assert!(w[0] < w[1], "{} < {}", w[0], w[1]);
        }
        let mut shuffled = parsed.clone();
        shuffled.reverse();
        shuffled.sort();
        assert_eq!(shuffled, parsed);
        // The canonical text reads back to the same number.
        for h in &parsed {
            assert_eq!(n(&h.to_string()), *h);
        }
        assert_eq!(n("15к2").to_string(), "15 корп. 2");
        assert_eq!(n("15/1а").to_string(), "15/1А");
        assert!(n("15Ё") > n("15Е") && n("15Ә") < n("15Б"), "alphabet order, not code points");
        assert_eq!(serde_json::to_string(&n("15А")).unwrap(), "\"15А\"");
        assert_eq!(serde_json::from_str::<HouseNumber>("\"15 к2\"").unwrap(), n("15 корп. 2"));
    }
}
