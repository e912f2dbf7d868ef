//! The languages the hosted pages, the account page and e-mail speak, and how one
//! is chosen for a reader: the request's `ui_locales` (OIDC Core §3.1.2.1), then the
//! browser's `Accept-Language` (RFC 9110 §12.5.4), then the tenant's default.

use crate::error::ValidationError;

/// A language with a complete message catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// English (the fallback).
    #[default]
    En,
    /// German.
    De,
    /// French.
    Fr,
    /// Spanish.
    Es,
}

impl Locale {
    /// Every supported language, English first.
    pub const ALL: [Self; 4] = [Self::En, Self::De, Self::Fr, Self::Es];

    /// The BCP 47 tag (`en`, `de`, `fr`, `es`).
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
            Self::Fr => "fr",
            Self::Es => "es",
        }
    }

    /// The language a BCP 47 tag names, by its primary subtag (`de-AT` is German),
    /// case-insensitively; `None` for one without a catalogue.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?;
        Self::ALL.into_iter().find(|l| l.tag().eq_ignore_ascii_case(primary))
    }

    /// A tenant's default language as an admin gives it.
    ///
    /// # Errors
    /// A [`ValidationError`] naming the languages there are.
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        let raw = raw.trim();
        Self::ALL.into_iter().find(|l| l.tag().eq_ignore_ascii_case(raw)).ok_or_else(|| {
            let tags: Vec<&str> = Self::ALL.iter().map(|l| l.tag()).collect();
            ValidationError::new(field, format!("must be one of {}", tags.join(", ")))
        })
    }

    /// The first supported language of a space-separated `ui_locales` list.
    pub fn from_ui_locales(ui_locales: &str) -> Option<Self> {
        ui_locales.split(' ').find_map(Self::from_tag)
    }

    /// The supported language the reader prefers most in an `Accept-Language`
    /// header: highest weight first, the header's order among equal weights;
    /// `q=0` ("not this one") and `*` never choose.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(u16, Self)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
                .map_or(Some(1000), parse_weight);
            let (Some(weight), Some(locale)) = (weight, Self::from_tag(tag)) else { continue };
            if weight > 0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, locale));
            }
        }
        best.map(|(_, locale)| locale)
    }

    /// The language for a reader: `ui_locales` first, then `Accept-Language`, then
    /// the tenant's default (English where there is no tenant).
    pub fn choose(ui_locales: Option<&str>, accept_language: Option<&str>, tenant_default: Option<Self>) -> Self {
        ui_locales
            .and_then(Self::from_ui_locales)
            .or_else(|| accept_language.and_then(Self::from_accept_language))
            .or(tenant_default)
            .unwrap_or_default()
    }
}

/// A `q` value (`0` to `1`, up to three decimals) in thousandths.
fn parse_weight(raw: &str) -> Option<u16> {
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_is_read_by_weight_then_order() {
        assert_eq!(Locale::from_accept_language("de-DE,de;q=0.9,en;q=0.8"), Some(Locale::De));
        assert_eq!(Locale::from_accept_language("ja, fr-CA;q=0.5, es;q=0.7"), Some(Locale::Es));
        assert_eq!(Locale::from_accept_language("fr;q=0.5, es;q=0.5"), Some(Locale::Fr), "ties keep the order");
        assert_eq!(Locale::from_accept_language("de;q=0, *"), None, "q=0 refuses and * chooses nothing");
        assert_eq!(Locale::from_accept_language("de;q=2, fr;q=0.1234, es"), Some(Locale::Es), "bad weights skip");
        assert_eq!(Locale::from_accept_language(""), None);
        assert_eq!(Locale::from_accept_language("zh-Hant"), None);
    }

    #[test]
    fn ui_locales_win_then_the_browser_then_the_tenant() {
        assert_eq!(Locale::choose(Some("pt-BR fr-CA"), Some("de"), Some(Locale::Es)), Locale::Fr);
        assert_eq!(Locale::choose(Some("pt-BR"), Some("de-CH"), Some(Locale::Es)), Locale::De);
        assert_eq!(Locale::choose(None, Some("ja"), Some(Locale::Es)), Locale::Es);
        assert_eq!(Locale::choose(None, None, None), Locale::En);
    }

    #[test]
    fn a_default_language_is_one_with_a_catalogue() {
        assert_eq!(Locale::parse("default_locale", " DE ").unwrap(), Locale::De);
        let refused = Locale::parse("default_locale", "de-AT").unwrap_err();
        assert_eq!(refused.message, "must be one of en, de, fr, es");
    }
}
