//! Views of the account pages reached from the login (forgot password, a new
//! password, address confirmation, sign-up) and the e-mail messages they send.

use serde::Serialize;

use crate::{RenderError, Renderer};

/// `/password/forgot`: the address to send a link to, or the answer once asked.
#[derive(Debug, Serialize)]
pub struct ForgotPasswordView<'a> {
    /// The sign-in to return to, if the user came from one.
    pub request_id: Option<&'a str>,
    /// The tenant's slug, when the page was opened for a tenant without a sign-in.
    pub tenant: Option<&'a str>,
    /// The address typed.
    pub email: &'a str,
    /// Whether the link was asked for (the same answer whether or not the address has an account).
    pub sent: bool,
    /// Why the form was refused.
    pub error: Option<&'a str>,
    /// Where "Back to sign-in" goes.
    pub back: Option<&'a str>,
    /// The tenant's look.
    pub brand: Option<crate::BrandView>,
}

/// `/password/reset?token=…`: the new password.
#[derive(Debug, Serialize)]
pub struct ResetPasswordView<'a> {
    /// The link's token, posted back with the form.
    pub token: &'a str,
    /// The account's address.
    pub email: &'a str,
    /// Why the last attempt was refused.
    pub error: Option<&'a str>,
    /// The tenant's look.
    pub brand: Option<crate::BrandView>,
}

/// `/email/verify?token=…`: a button that confirms (a link scanner that opens
/// the page confirms nothing).
#[derive(Debug, Serialize)]
pub struct VerifyEmailView<'a> {
    /// The link's token, posted back.
    pub token: &'a str,
    /// The address to confirm.
    pub email: &'a str,
    /// The tenant's look.
    pub brand: Option<crate::BrandView>,
}

/// `/signup?request=…`
#[derive(Debug, Serialize)]
pub struct SignUpView<'a> {
    /// The pending request's id.
    pub request_id: &'a str,
    /// The form's CSRF token.
    pub csrf_token: &'a str,
    /// The client's display name.
    pub client_name: &'a str,
    /// What was typed.
    pub email: &'a str,
    /// What was typed.
    pub name: &'a str,
    /// Why the last attempt was refused.
    pub error: Option<&'a str>,
    /// The tenant's look.
    pub brand: Option<crate::BrandView>,
}

/// What a message says, whatever its kind.
#[derive(Debug)]
pub struct MailContent<'a> {
    /// `password_reset`, `verify_email` or `account_exists`: the template.
    pub kind: &'a str,
    /// The tenant's display name.
    pub tenant_name: &'a str,
    /// The recipient's name, if known.
    pub user_name: Option<&'a str>,
    /// The link the message carries.
    pub link: &'a str,
    /// Minutes the link works.
    pub valid_minutes: i64,
    /// The tenant's colour (`rrggbb`) for the button; the built-in blue without one.
    pub accent: Option<&'a str>,
    /// The tenant's support link, for the message's foot.
    pub support_url: Option<&'a str>,
    /// The tenant's logo (an absolute URL), for the message's head.
    pub logo_url: Option<&'a str>,
    /// The language to write it in (`en`, `de`, …).
    pub lang: &'a str,
}

/// A message ready to send: subject, plain text and HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMail {
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
}

#[derive(Serialize)]
struct MailView<'a> {
    subject: &'a str,
    tenant_name: &'a str,
    user_name: Option<&'a str>,
    link: &'a str,
    valid_for: String,
    accent: &'a str,
    support_url: Option<&'a str>,
    logo_url: Option<&'a str>,
}

impl Renderer {
    /// The forgot-password page.
    pub fn forgot_password_page(&self, lang: &str, view: &ForgotPasswordView<'_>) -> Result<String, RenderError> {
        self.render_in(lang, "password_forgot.html", view)
    }

    /// The new-password page.
    pub fn reset_password_page(&self, lang: &str, view: &ResetPasswordView<'_>) -> Result<String, RenderError> {
        self.render_in(lang, "password_reset.html", view)
    }

    /// The confirm-your-address page.
    pub fn verify_email_page(&self, lang: &str, view: &VerifyEmailView<'_>) -> Result<String, RenderError> {
        self.render_in(lang, "email_verify.html", view)
    }

    /// The sign-up page.
    pub fn sign_up_page(&self, lang: &str, view: &SignUpView<'_>) -> Result<String, RenderError> {
        self.render_in(lang, "signup.html", view)
    }

    /// A message as a subject, a plain-text and an HTML part.
    ///
    /// # Errors
    /// [`RenderError`] for an unknown kind or a template that fails.
    pub fn mail(&self, mail: &MailContent<'_>) -> Result<RenderedMail, RenderError> {
        let catalogue = self.catalogue(mail.lang);
        let subject_key = match mail.kind {
            "password_reset" => "mail-password-reset-subject",
            "verify_email" => "mail-verify-email-subject",
            _ => "mail-account-exists-subject",
        };
        let subject = catalogue.text(subject_key, &[("tenant", crate::Arg::Text(mail.tenant_name))]);
        let view = MailView {
            subject: &subject,
            tenant_name: mail.tenant_name,
            user_name: mail.user_name,
            link: mail.link,
            valid_for: catalogue.duration(mail.valid_minutes),
            accent: mail
                .accent
                .filter(|a| a.len() == 6 && a.bytes().all(|b| b.is_ascii_hexdigit()))
                .unwrap_or("2457d6"),
            support_url: mail.support_url,
            logo_url: mail.logo_url.filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        };
        let name = mail.kind;
        let text = self.render_in(mail.lang, &format!("mail_{name}.txt"), &view)?;
        let html = self.render_in(mail.lang, &format!("mail_{name}.html"), &view)?;
        Ok(RenderedMail { subject, text, html })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_renders_with_its_link_escaped_in_html_only() {
        let renderer = Renderer::new().unwrap();
        for kind in ["password_reset", "verify_email", "account_exists"] {
            let mail = MailContent {
                kind,
                tenant_name: "Acme <Tools>",
                user_name: Some("Ada"),
                link: "https://id.example.com/x?token=qpr_abc&y=1",
                valid_minutes: 30,
                accent: Some("0f766e"),
                support_url: Some("https://acme.example/help"),
                lang: "en",
                logo_url: Some("https://id.example.com/branding/tnt_1/logo-0123456789abcdef.png"),
            };
            let out = renderer.mail(&mail).unwrap();
            assert!(out.subject.contains("Acme <Tools>"));
            assert!(out.text.contains("https://id.example.com/x?token=qpr_abc&y=1"), "{}", out.text);
            assert!(out.text.contains("Hello Ada,"));
            assert!(out.html.contains("token=qpr_abc&amp;y=1"), "{}", out.html);
            assert!(out.html.contains("Acme &lt;Tools&gt;"));
            assert!(out.html.contains("#0f766e") && out.text.contains("https://acme.example/help"), "{}", out.html);
            assert!(out.html.contains(r#"<img src="https:&#x2F;&#x2F;id.example.com&#x2F;branding&#x2F;tnt_1&#x2F;logo-0123456789abcdef.png""#), "{}", out.html);
            let hostile = renderer.mail(&MailContent { logo_url: Some("javascript:alert(1)"), ..mail }).unwrap();
            assert!(!hostile.html.contains("<img"), "only a web address is shown as the logo");
            let german = renderer.mail(&MailContent { lang: "de", ..mail }).unwrap();
            assert!(
                german.text.contains("Hallo Ada,") && german.html.contains(r#"<html lang="de">"#),
                "{}",
                german.text
            );
        }
    }
}
