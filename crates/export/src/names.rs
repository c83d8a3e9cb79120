//! The formats' limits on names and labels, handled by fixed rules (docs/export.md "Names and labels"):
//! stable (the same variable gets the same name in every export) and checked unique.

use sha2::{Digest, Sha256};

/// Stata: variable names of at most 32 characters, labels of at most 80.
pub const STATA_NAME: usize = 32;
pub const STATA_LABEL: usize = 80;
/// Stata: `str#` holds at most 2045 bytes.
pub const STATA_STR: usize = 2045;
/// SPSS: names of at most 64 bytes, variable labels 255 bytes, value labels 120 bytes.
pub const SPSS_NAME: usize = 64;
pub const SPSS_LABEL: usize = 255;
pub const SPSS_VALUE_LABEL: usize = 120;

/// A name no longer than `max` characters: a longer one keeps its first `max − 5` characters, then
/// `_` and four base-36 characters of the SHA-256 of the whole name (stable across exports).
/// Characters other than ASCII letters, digits and `_` become `_`; a leading digit gets a `v` before it.
pub fn shorten(name: &str, max: usize) -> String {
    let mut clean: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if clean.chars().next().is_none_or(|c| c.is_ascii_digit()) {
        clean.insert(0, 'v');
    }
    if clean.len() <= max {
        return clean;
    }
    let digest = Sha256::digest(name.as_bytes());
    let mut n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    let mut tag = String::new();
    for _ in 0..4 {
        tag.push(char::from_digit(n % 36, 36).unwrap_or('0'));
        n /= 36;
    }
    format!("{}_{}", &clean[..max - 5], tag)
}

/// Cuts `text` to at most `max` characters, ending with "…" when cut.
pub fn cut_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s.push('…');
    s
}

/// Cuts `text` to at most `max` bytes of UTF-8 at a character boundary, ending with "…" when cut.
pub fn cut_bytes(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Cuts a value to at most `max` bytes at a character boundary, without a mark (string data).
pub fn cut_value(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Names for a file's variables under a format's limit, unique without regard to case (both
/// formats compare names so). A clash left after shortening is resolved by the hash of the
/// variable's position, which is then stable for a given study.
pub fn unique(names: &[String], max: usize) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let mut s = shorten(n, max);
            if !seen.insert(s.to_ascii_lowercase()) {
                s = shorten(&format!("{n}_{i}_{}", "x".repeat(max)), max);
                seen.insert(s.to_ascii_lowercase());
            }
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_kept_and_long_ones_shortened_stably() {
        assert_eq!(shorten("Q501", 32), "Q501");
        let long = "a_very_long_question_identifier_of_forty_chars";
        let s = shorten(long, 32);
        assert_eq!(s.len(), 32);
        assert!(s.starts_with("a_very_long_question_identi_"), "{s}");
        assert_eq!(s, shorten(long, 32), "stable");
        assert_ne!(s, shorten("a_very_long_question_identifier_of_forty_chart", 32), "different names, different tags");
        assert_eq!(shorten("1st", 32), "v1st");
        assert_eq!(shorten("Q5.a", 32), "Q5_a");
    }

    #[test]
    fn labels_are_cut_at_characters_not_bytes() {
        let ru = "Сколько человек обычно проживает в этом домохозяйстве, включая временно отсутствующих членов семьи?";
        let c = cut_chars(ru, 80);
        assert_eq!(c.chars().count(), 80);
        assert!(c.ends_with('…'));
        let b = cut_bytes(ru, 120);
        assert!(b.len() <= 120 && b.ends_with('…'));
        assert_eq!(cut_value("Әлия", 3), "Ә", "never splits a letter");
    }

    #[test]
    fn names_stay_unique_without_regard_to_case() {
        let names: Vec<String> = vec!["ab".into(), "AB".into(), "x".repeat(40), format!("{}y", "x".repeat(39))];
        let u = unique(&names, 32);
        let lower: std::collections::HashSet<String> = u.iter().map(|s| s.to_ascii_lowercase()).collect();
        assert_eq!(lower.len(), 4, "{u:?}");
        assert!(u.iter().all(|s| s.len() <= 32));
    }
}
