//! Views of the second-factor pages: the code (or enrolment) step of the hosted
//! login, recovery codes shown once, and the QR code an authenticator app scans.

use qrcodegen::{QrCode, QrCodeEcc};
use serde::Serialize;

/// An authenticator app to set up.
#[derive(Debug, Serialize)]
pub struct EnrolView {
    /// The secret in base32, grouped by four for typing.
    pub secret: String,
    /// The `otpauth://` URI as an inline SVG QR code (made here, not from input).
    pub qr_svg: String,
}

impl EnrolView {
    /// The view of an enrolment: `secret` in base32 and its `otpauth://` URI.
    pub fn new(secret: &str, otpauth_uri: &str) -> Self {
        let grouped: Vec<String> =
            secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
        Self { secret: grouped.join(" "), qr_svg: qr_svg(otpauth_uri) }
    }
}

/// The hosted login's second step (`/login/mfa`).
#[derive(Debug, Serialize)]
pub struct SecondFactorView<'a> {
    /// The pending request's id.
    pub request_id: &'a str,
    /// The form's CSRF token.
    pub csrf_token: &'a str,
    /// The client's display name.
    pub client_name: &'a str,
    /// Set up an app first (the tenant requires a second factor), or `None` to ask for a code.
    pub enrol: Option<EnrolView>,
    /// Why the last code was refused.
    pub error: Option<&'a str>,
    /// The tenant's look.
    pub brand: Option<crate::BrandView>,
}

/// Recovery codes, shown once.
#[derive(Debug, Serialize)]
pub struct RecoveryCodesView<'a> {
    /// The codes.
    pub codes: &'a [String],
    /// Where "Continue" goes (a link).
    pub continue_to: &'a str,
    /// Or, in form post response mode, the form "Continue" submits.
    pub continue_post: Option<crate::FormPostView<'a>>,
}

/// `text` as a QR code (error correction M) in an SVG of one path, with a quiet
/// zone of four modules, scaled by the page.
pub fn qr_svg(text: &str) -> String {
    let Ok(qr) = QrCode::encode_text(text, QrCodeEcc::Medium) else {
        return String::new();
    };
    let size = qr.size();
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    let full = size + 8;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {full} {full}\" width=\"200\" height=\"200\" \
         role=\"img\" aria-label=\"QR code for your authenticator app\" shape-rendering=\"crispEdges\">\
         <rect width=\"{full}\" height=\"{full}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_an_svg_of_dark_modules() {
        let svg = qr_svg("otpauth://totp/Acme:ada%40example.com?secret=GEZDGNBV&issuer=Acme");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>") && svg.contains("h1v1h-1z"));
        let view = EnrolView::new("GEZDGNBVGY3TQOJQ", "otpauth://totp/x");
        assert_eq!(view.secret, "GEZD GNBV GY3T QOJQ");
    }
}
