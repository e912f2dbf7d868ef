//! A tenant's look on the hosted pages, the account page and its e-mail: a primary
//! colour that must stay readable (WCAG AA) in light and dark mode, and the support
//! and privacy links shown at the foot of every page.

use crate::error::ValidationError;

/// WCAG AA for normal text.
const AA: f64 = 4.5;
/// The light-mode page colours the primary colour must read on (white cards) and
/// the dark-mode card colour its derived dark variant must read on.
const LIGHT_CARD: BrandColor = BrandColor([0xff, 0xff, 0xff]);
const DARK_CARD: BrandColor = BrandColor([0x1b, 0x1f, 0x24]);

/// A tenant's branding; every part optional (the built-in look stands in).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Branding {
    /// Links, buttons and focus rings; white text on it, and it as text on white,
    /// both meet 4.5:1.
    pub primary_color: Option<BrandColor>,
    /// Where users get help (`https`), shown at the foot of every page.
    pub support_url: Option<String>,
    /// The tenant's privacy policy (`https`), shown at the foot of every page.
    pub privacy_url: Option<String>,
    /// The language of its pages and e-mail when neither the request nor the
    /// browser names one it has.
    pub default_locale: crate::locale::Locale,
    /// Its uploaded logo, shown beside its name at the top of every page.
    pub logo: Option<crate::logo::LogoRef>,
}

impl Branding {
    /// Whether anything is set.
    pub fn is_empty(&self) -> bool {
        self.primary_color.is_none() && self.support_url.is_none() && self.privacy_url.is_none()
    }

    /// A short fingerprint of the look (for cache-busting the theme's URL).
    pub fn fingerprint(&self) -> String {
        use sha2::Digest as _;
        let text = format!("{:?}", self.primary_color.map(|c| c.to_hex()));
        let digest = sha2::Sha256::digest(text.as_bytes());
        digest.iter().take(6).fold(String::with_capacity(12), |mut out, b| {
            use std::fmt::Write as _;
            let _ = write!(out, "{b:02x}");
            out
        })
    }
}

/// An sRGB colour, `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrandColor([u8; 3]);

impl BrandColor {
    /// Parses `#rrggbb` (or `rrggbb`, any case) and checks it is readable: white text
    /// on it and it as text on white must both meet WCAG AA (4.5:1), since it is
    /// used for both.
    ///
    /// # Errors
    /// A [`ValidationError`] on `field` saying what the colour's contrast is and what
    /// is needed.
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        let hex = raw.trim().trim_start_matches('#');
        let byte = |i: usize| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok());
        let color = match (hex.len(), byte(0), byte(2), byte(4)) {
            (6, Some(r), Some(g), Some(b)) => Self([r, g, b]),
            _ => return Err(ValidationError::new(field, "must be a colour such as #2457d6")),
        };
        let ratio = color.contrast(LIGHT_CARD);
        if ratio < AA {
            return Err(ValidationError::new(
                field,
                format!(
                    "#{} has a contrast of {ratio:.1}:1 with white; links and button labels need 4.5:1 (WCAG AA): \
                     choose a darker shade",
                    color.to_hex()
                ),
            ));
        }
        Ok(color)
    }

    /// Restores a colour validated before it was stored.
    pub fn from_stored(raw: &str) -> Option<Self> {
        let hex = raw.trim_start_matches('#');
        let byte = |i: usize| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok());
        Some(Self([byte(0)?, byte(2)?, byte(4)?]))
    }

    /// `rrggbb`, lower case.
    pub fn to_hex(self) -> String {
        format!("{:02x}{:02x}{:02x}", self.0[0], self.0[1], self.0[2])
    }

    /// Relative luminance (WCAG 2.x).
    fn luminance(self) -> f64 {
        let channel = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.039_28 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(self.0[0]) + 0.7152 * channel(self.0[1]) + 0.0722 * channel(self.0[2])
    }

    /// The contrast ratio with `other` (1 to 21).
    pub fn contrast(self, other: Self) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (hi, lo) = if a > b { (a, b) } else { (b, a) };
        (hi + 0.05) / (lo + 0.05)
    }

    /// The dark-mode variant: the colour mixed with white, step by step, until it
    /// reads at 4.5:1 on the dark card (and dark text on it does too).
    pub fn for_dark_mode(self) -> Self {
        let mut mixed = self;
        for step in 1..=20u16 {
            if mixed.contrast(DARK_CARD) >= AA {
                break;
            }
            let mix = |v: u8| {
                let v = u16::from(v);
                u8::try_from(v + (255 - v) * step / 20).unwrap_or(u8::MAX)
            };
            mixed = Self([mix(self.0[0]), mix(self.0[1]), mix(self.0[2])]);
        }
        mixed
    }
}

/// Checks a support or privacy link: an absolute `https` URL (plain `http` only on
/// a loopback host), at most 500 characters.
///
/// # Errors
/// A [`ValidationError`] on `field`.
pub fn parse_link(field: &str, raw: &str) -> Result<Option<String>, ValidationError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let invalid = || ValidationError::new(field, "must be an https URL such as https://acme.example/help");
    let url = url::Url::parse(raw).map_err(|_| invalid())?;
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    if raw.len() > 500 || !(url.scheme() == "https" || (url.scheme() == "http" && loopback)) {
        return Err(invalid());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ValidationError::new(field, "must not hold credentials"));
    }
    Ok(Some(url.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_must_read_on_white_and_get_a_dark_variant() {
        let ours = BrandColor::parse("primary_color", "#2457D6").unwrap();
        assert_eq!(ours.to_hex(), "2457d6");
        assert!(ours.contrast(LIGHT_CARD) >= AA);
        assert!(ours.for_dark_mode().contrast(DARK_CARD) >= AA, "{}", ours.for_dark_mode().to_hex());
        let refused = BrandColor::parse("primary_color", "#7ea2ff").unwrap_err();
        assert!(refused.message.contains("contrast of 2.5:1 with white"), "{}", refused.message);
        for bad in ["blue", "#12345", "#gggggg", ""] {
            assert!(BrandColor::parse("primary_color", bad).is_err(), "{bad}");
        }
        assert_eq!(BrandColor::from_stored("2457d6"), Some(ours));
        // WCAG's own extremes.
        assert!((BrandColor([0, 0, 0]).contrast(LIGHT_CARD) - 21.0).abs() < 0.01);
    }

    #[test]
    fn links_are_https() {
        assert_eq!(
            parse_link("support_url", " https://acme.example/help ").unwrap().as_deref(),
            Some("https://acme.example/help")
        );
        assert_eq!(parse_link("support_url", "").unwrap(), None);
        assert!(parse_link("support_url", "http://acme.example").is_err());
        assert!(parse_link("support_url", "javascript:alert(1)").is_err());
        assert!(parse_link("support_url", "https://u:p@acme.example").is_err());
        assert!(parse_link("privacy_url", "http://localhost:3000/privacy").is_ok());
    }
}
