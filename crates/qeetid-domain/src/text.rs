//! Rules for text people type that other people will read: no control characters
//! and no bidirectional formatting characters, which can make a name or an e-mail
//! shown in the dashboard, a consent page or an e-mail read as something else
//! (CVE-2021-42574, "Trojan Source").

/// Whether `text` holds a control character (C0, DEL, C1) or a bidirectional
/// formatting character (embeddings, overrides, isolates, marks).
pub fn has_deceptive_characters(text: &str) -> bool {
    text.chars().any(|c| {
        c.is_control()
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidirectional_characters_are_caught() {
        for bad in
            ["a\u{0}b", "tab\there", "line\nbreak", "\u{7f}", "\u{85}", "admin\u{202E}gpj.exe", "\u{2066}x", "\u{200F}"]
        {
            assert!(has_deceptive_characters(bad), "{bad:?}");
        }
        for good in ["Ada Lovelace", "Zoë Łukasiewicz", "山田太郎", "محمد", "ada+test@example.com"] {
            assert!(!has_deceptive_characters(good), "{good}");
        }
    }
}
