//! Qeet ID's Tera adapter: renders the hosted pages of `web-templates/`.
//!
//! Templates are compiled into the binary (no files to ship, no front-end build
//! step) and receive plain view structs; no template reaches into the domain.

use serde::Serialize;
use tera::{Context, Tera};

mod account;
mod accounts;
mod console;
mod i18n;
mod mfa;

pub use i18n::{Arg, Catalogue, Catalogues};

/// The templates, embedded at compile time.
const TEMPLATES: [(&str, &str); 39] = [
    ("console_providers.html", include_str!("../../../web-templates/console_providers.html")),
    ("console_branding.html", include_str!("../../../web-templates/console_branding.html")),
    ("password_forgot.html", include_str!("../../../web-templates/password_forgot.html")),
    ("password_reset.html", include_str!("../../../web-templates/password_reset.html")),
    ("email_verify.html", include_str!("../../../web-templates/email_verify.html")),
    ("signup.html", include_str!("../../../web-templates/signup.html")),
    ("mail_base.html", include_str!("../../../web-templates/mail_base.html")),
    ("mail_password_reset.html", include_str!("../../../web-templates/mail_password_reset.html")),
    ("mail_password_reset.txt", include_str!("../../../web-templates/mail_password_reset.txt")),
    ("mail_verify_email.html", include_str!("../../../web-templates/mail_verify_email.html")),
    ("mail_verify_email.txt", include_str!("../../../web-templates/mail_verify_email.txt")),
    ("mail_account_exists.html", include_str!("../../../web-templates/mail_account_exists.html")),
    ("mail_account_exists.txt", include_str!("../../../web-templates/mail_account_exists.txt")),
    ("login_mfa.html", include_str!("../../../web-templates/login_mfa.html")),
    ("recovery_codes.html", include_str!("../../../web-templates/recovery_codes.html")),
    ("account.html", include_str!("../../../web-templates/account.html")),
    ("account_signin.html", include_str!("../../../web-templates/account_signin.html")),
    ("console_user.html", include_str!("../../../web-templates/console_user.html")),
    ("console_users.html", include_str!("../../../web-templates/console_users.html")),
    ("console_keys.html", include_str!("../../../web-templates/console_keys.html")),
    ("console_registration.html", include_str!("../../../web-templates/console_registration.html")),
    ("console_tenants.html", include_str!("../../../web-templates/console_tenants.html")),
    ("console_confirm.html", include_str!("../../../web-templates/console_confirm.html")),
    ("console_shown_once.html", include_str!("../../../web-templates/console_shown_once.html")),
    ("console_base.html", include_str!("../../../web-templates/console_base.html")),
    ("console_client_form.html", include_str!("../../../web-templates/console_client_form.html")),
    ("console_grants.html", include_str!("../../../web-templates/console_grants.html")),
    ("console_events.html", include_str!("../../../web-templates/console_events.html")),
    ("console_signin.html", include_str!("../../../web-templates/console_signin.html")),
    ("console_clients.html", include_str!("../../../web-templates/console_clients.html")),
    ("device.html", include_str!("../../../web-templates/device.html")),
    ("logout.html", include_str!("../../../web-templates/logout.html")),
    ("logged_out.html", include_str!("../../../web-templates/logged_out.html")),
    ("form_post.html", include_str!("../../../web-templates/form_post.html")),
    ("base.html", include_str!("../../../web-templates/base.html")),
    ("error.html", include_str!("../../../web-templates/error.html")),
    ("home.html", include_str!("../../../web-templates/home.html")),
    ("login.html", include_str!("../../../web-templates/login.html")),
    ("consent.html", include_str!("../../../web-templates/consent.html")),
];

/// The stylesheet every page links to (`/static/qeetid.css`).
pub const STYLESHEET: &str = include_str!("../../../web-templates/static/qeetid.css");

/// The dashboard's one script (`/static/console.js`): copy buttons. The pages work without it.
pub const CONSOLE_SCRIPT: &str = include_str!("../../../web-templates/static/console.js");

/// The script of the signed-out page (`/static/logout.js`): continues once the
/// front-channel frames have loaded.
pub const LOGOUT_SCRIPT: &str = include_str!("../../../web-templates/static/logout.js");

/// The signed-out page: why a return link was refused, the applications' front-channel
/// logout pages to frame, and where to continue once they have loaded.
#[derive(Debug, Serialize)]
pub struct LoggedOutView<'a> {
    /// Why the `post_logout_redirect_uri` is not followed, if it is not.
    pub refused_return: Option<&'a str>,
    /// Front-channel logout URLs, each loaded in a hidden iframe.
    pub frames: Vec<&'a str>,
    /// Where the browser goes next (the post-logout redirect, or an app's page).
    pub continue_to: Option<&'a str>,
}

/// The script of the form-post page (`/static/form_post.js`): submits the form.
pub const FORM_POST_SCRIPT: &str = include_str!("../../../web-templates/static/form_post.js");

/// The OAuth 2.0 Form Post Response Mode page: a form that POSTs the
/// authorization response's fields to the client's redirect URI.
#[derive(Debug, Serialize)]
pub struct FormPostView<'a> {
    /// The client's redirect URI.
    pub action: &'a str,
    /// The response's parameters (`code`, `state`, `iss`, or an error).
    pub fields: Vec<PostedField>,
}

/// One field of a posted form, named at run time.
#[derive(Debug, Serialize)]
pub struct PostedField {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// The passkey script (`/static/passkeys.js`): registration on the account page,
/// sign-in on the login page. Without it, the password still works.
pub const PASSKEYS_SCRIPT: &str = include_str!("../../../web-templates/static/passkeys.js");

/// A template failed to parse or render, or an override could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Tera refused a template (its message names the template and the line).
    #[error("template error: {0}")]
    Template(#[from] tera::Error),
    /// A file in the templates directory could not be read, or names no template.
    #[error("templates_dir: {0}")]
    Override(String),
    /// A message catalogue does not parse.
    #[error("message catalogue: {0}")]
    Catalogue(String),
}

/// What the error page shows.
#[derive(Debug, Serialize)]
pub struct ErrorView<'a> {
    /// Headline.
    pub title: &'a str,
    /// What happened and what to do, in plain words.
    pub message: &'a str,
    /// A machine-readable code, if any.
    pub code: Option<&'a str>,
    /// Where to go from here (a dead end offers the next step): label and path.
    pub next: Option<NextStep<'a>>,
}

/// A link out of an error page.
#[derive(Debug, Serialize)]
pub struct NextStep<'a> {
    /// What the link says.
    pub label: &'a str,
    /// A path on this deployment.
    pub href: &'a str,
}

/// What the home page shows.
#[derive(Debug, Serialize)]
pub struct HomeView<'a> {
    /// This deployment's issuer.
    pub issuer: &'a str,
    /// The server's version.
    pub version: &'a str,
}

/// A tenant's look on a page: its name, the theme stylesheet of its colour, and
/// the links at the foot of the page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BrandView {
    /// The tenant's display name.
    pub name: String,
    /// `/branding/{tenant}/theme-{fingerprint}.css`, when it has a colour.
    pub theme_url: Option<String>,
    /// Its support link.
    pub support_url: Option<String>,
    /// Its privacy policy.
    pub privacy_url: Option<String>,
    /// `/branding/{tenant}/logo-{digest}.{ext}`, when it has a logo.
    pub logo_url: Option<String>,
}

/// What the login page shows.
#[derive(Debug, Serialize)]
pub struct LoginView<'a> {
    /// The pending request's id.
    pub request_id: &'a str,
    /// The form's CSRF token.
    pub csrf_token: &'a str,
    /// The client's display name.
    pub client_name: &'a str,
    /// E-mail to pre-fill (the `login_hint`, or what was typed).
    pub email: &'a str,
    /// Why the last attempt failed.
    pub error: Option<&'a str>,
    /// "Continue with …" buttons, one per upstream provider of the tenant.
    pub providers: Vec<ProviderButton>,
    /// Whether the tenant lets people create accounts (shows "Create account").
    pub sign_up: bool,
    /// A note from the step before (a password just changed, an address confirmed).
    pub notice: Option<&'a str>,
    /// The tenant's look.
    pub brand: Option<BrandView>,
}

/// A "Continue with …" button.
#[derive(Debug, Serialize)]
pub struct ProviderButton {
    /// `idp_…`
    pub id: String,
    /// The label.
    pub name: String,
}

/// One requested scope on the consent page.
#[derive(Debug, Serialize)]
pub struct ScopeView {
    /// The scope token.
    pub name: String,
    /// What it lets the client do.
    pub description: String,
}

/// What the consent page shows.
#[derive(Debug, Serialize)]
pub struct ConsentView<'a> {
    /// The pending request's id.
    pub request_id: &'a str,
    /// The form's CSRF token.
    pub csrf_token: &'a str,
    /// The client's display name.
    pub client_name: &'a str,
    /// When the client registered itself, the host of the site it names.
    pub self_registered: Option<&'a str>,
    /// Who is signed in.
    pub user_email: &'a str,
    /// The requested scopes.
    pub scopes: Vec<ScopeView>,
    /// The tenant's look.
    pub brand: Option<BrandView>,
}

/// What the device page shows: the code form, or the result.
#[derive(Debug, Serialize)]
pub struct DeviceView<'a> {
    /// The form's CSRF token.
    pub csrf_token: &'a str,
    /// The code to pre-fill (from `verification_uri_complete`) or what was typed.
    pub user_code: &'a str,
    /// Why the last attempt failed.
    pub error: Option<&'a str>,
    /// `approved` or `denied` once the user answered.
    pub result: Option<&'a str>,
}

/// A hidden form field.
#[derive(Debug, Serialize)]
pub struct HiddenField {
    /// Name.
    pub name: &'static str,
    /// Value.
    pub value: String,
}

/// What the logout confirmation shows.
#[derive(Debug, Serialize)]
pub struct LogoutView<'a> {
    /// The form's CSRF token.
    pub csrf_token: &'a str,
    /// The client asking, if known.
    pub client_name: Option<&'a str>,
    /// The request's parameters, carried to the confirmation.
    pub fields: Vec<HiddenField>,
    /// Why the request's return link will not be followed.
    pub refused_return: Option<&'a str>,
}

/// What the dashboard's sign-in page shows.
#[derive(Debug, Serialize)]
pub struct ConsoleSignInView<'a> {
    /// The tenant id to pre-fill.
    pub tenant: &'a str,
    /// Why the last attempt failed.
    pub error: Option<&'a str>,
}

pub use account::{
    AccountAppRow, AccountMfaView, AccountPasskeyRow, AccountSessionRow, AccountSignInView, AccountView, describe_amr,
};
pub use accounts::{ForgotPasswordView, MailContent, RenderedMail, ResetPasswordView, SignUpView, VerifyEmailView};
pub use console::{
    ClientFormView, ConfirmView, ConsoleBrandingView, ConsoleChrome, ConsoleClientRow, ConsoleClientsView,
    ConsoleEventRow, ConsoleEventsView, ConsoleGrantRow, ConsoleGrantsView, ConsoleKeyRow, ConsoleKeysView,
    ConsoleOpenRegistration, ConsoleProviderRow, ConsoleProvidersView, ConsoleRegistrationView, ConsoleTenantRow,
    ConsoleTenantsView, ConsoleTokenRow, ConsoleUserRow, ConsoleUserView, ConsoleUsersView, FormOption,
    LogoutDeliveryRow, ShownOnceOwner, ShownOnceView,
};
pub use mfa::{EnrolView, RecoveryCodesView, SecondFactorView, qr_svg};

/// The Tera filter `path_segment`: a value percent-encoded to sit in one path
/// segment (a client id may be a metadata document's URL, slashes and all).
fn path_segment(value: &tera::Value, _: &std::collections::HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let text = value.as_str().ok_or_else(|| tera::Error::msg("path_segment takes text"))?;
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(char::from(byte)),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    Ok(tera::Value::String(out))
}

/// Renders hosted pages. Build once at start-up; rendering is thread-safe.
pub struct Renderer {
    /// The templates, once: `t` speaks the language of the page being rendered.
    tera: Tera,
    catalogues: Catalogues,
}

impl Renderer {
    /// Parses every template (HTML auto-escaping on).
    pub fn new() -> Result<Self, RenderError> {
        Self::with_overrides(None)
    }

    /// Parses every template, taking a file of the same name from `dir` in place of
    /// a built-in one (`login.html`, `base.html`, `mail_password_reset.txt` …); the
    /// rest stay built in. A file that names no template is refused (a typo would
    /// otherwise be ignored), as is one Tera cannot parse.
    ///
    /// # Errors
    /// [`RenderError`] naming the file.
    pub fn with_overrides(dir: Option<&std::path::Path>) -> Result<Self, RenderError> {
        let mut sources: Vec<(String, String)> =
            TEMPLATES.iter().map(|(name, text)| ((*name).to_owned(), (*text).to_owned())).collect();
        if let Some(dir) = dir {
            let entries = std::fs::read_dir(dir)
                .map_err(|e| RenderError::Override(format!("cannot read {}: {e}", dir.display())))?;
            for entry in entries {
                let entry = entry.map_err(|e| RenderError::Override(format!("cannot read {}: {e}", dir.display())))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') || entry.path().is_dir() {
                    continue;
                }
                let Some(slot) = sources.iter_mut().find(|(known, _)| *known == name) else {
                    let mut known: Vec<&str> = TEMPLATES.iter().map(|(n, _)| *n).collect();
                    known.sort_unstable();
                    return Err(RenderError::Override(format!(
                        "{} names no template; the templates are {}",
                        entry.path().display(),
                        known.join(", ")
                    )));
                };
                slot.1 = std::fs::read_to_string(entry.path())
                    .map_err(|e| RenderError::Override(format!("cannot read {}: {e}", entry.path().display())))?;
            }
        }
        let catalogues = Catalogues::builtin().map_err(RenderError::Catalogue)?;
        let mut tera = Tera::default();
        tera.register_filter("path_segment", path_segment);
        tera.add_raw_templates(sources)?;
        tera.autoescape_on(vec![".html"]);
        tera.register_function("t", i18n::Translate { catalogues: catalogues.clone(), escape_values: false });
        tera.register_function("t_html", i18n::Translate { catalogues: catalogues.clone(), escape_values: true });
        Ok(Self { tera, catalogues })
    }

    /// The messages of `lang` (English for a language without a catalogue).
    pub fn catalogue(&self, lang: &str) -> &Catalogue {
        self.catalogues.get(lang)
    }

    /// The dashboard's pages: in English.
    fn render(&self, name: &str, view: &impl Serialize) -> Result<String, RenderError> {
        self.render_in("en", name, view)
    }

    /// A page in `lang`; the template sees the language's tag as `lang`.
    fn render_in(&self, lang: &str, name: &str, view: &impl Serialize) -> Result<String, RenderError> {
        let tag = self.catalogues.get(lang).tag();
        let mut context = Context::from_serialize(view)?;
        context.insert("lang", tag);
        Ok(i18n::reading_in(tag, || self.tera.render(name, &context))?)
    }

    /// The error page.
    pub fn error_page(&self, lang: &str, view: &ErrorView<'_>) -> Result<String, RenderError> {
        self.render_in(lang, "error.html", view)
    }

    /// The login page.
    pub fn login_page(&self, lang: &str, view: &LoginView<'_>) -> Result<String, RenderError> {
        self.render_in(lang, "login.html", view)
    }

    /// The consent page.
    pub fn consent_page(&self, lang: &str, view: &ConsentView<'_>) -> Result<String, RenderError> {
        self.render_in(lang, "consent.html", view)
    }

    /// The device page.
    pub fn device_page(&self, lang: &str, view: &DeviceView<'_>) -> Result<String, RenderError> {
        self.render_in(lang, "device.html", view)
    }

    /// The logout confirmation.
    pub fn logout_page(&self, lang: &str, view: &LogoutView<'_>) -> Result<String, RenderError> {
        self.render_in(lang, "logout.html", view)
    }

    /// The form that posts an authorization response to the client.
    pub fn form_post_page(&self, lang: &str, view: &FormPostView<'_>) -> Result<String, RenderError> {
        self.render_in(lang, "form_post.html", view)
    }

    /// The signed-out page.
    pub fn logged_out_page(&self, lang: &str, view: &LoggedOutView<'_>) -> Result<String, RenderError> {
        self.render_in(lang, "logged_out.html", view)
    }

    /// The dashboard's sign-in page.
    pub fn console_sign_in_page(&self, view: &ConsoleSignInView<'_>) -> Result<String, RenderError> {
        self.render("console_signin.html", view)
    }

    /// The dashboard's client list.
    pub fn console_clients_page(&self, view: &ConsoleClientsView<'_>) -> Result<String, RenderError> {
        self.render("console_clients.html", view)
    }

    /// The dashboard's client form (new or edit).
    pub fn console_client_form_page(&self, view: &ClientFormView<'_>) -> Result<String, RenderError> {
        self.render("console_client_form.html", view)
    }

    /// The dashboard's users.
    pub fn console_users_page(&self, view: &ConsoleUsersView<'_>) -> Result<String, RenderError> {
        self.render("console_users.html", view)
    }

    /// The hosted login's second step.
    pub fn second_factor_page(&self, lang: &str, view: &SecondFactorView<'_>) -> Result<String, RenderError> {
        self.render_in(lang, "login_mfa.html", view)
    }

    /// Recovery codes, shown once.
    pub fn recovery_codes_page(&self, lang: &str, view: &RecoveryCodesView<'_>) -> Result<String, RenderError> {
        self.render_in(lang, "recovery_codes.html", view)
    }

    /// The end user's account page.
    pub fn account_page(&self, lang: &str, view: &AccountView<'_>) -> Result<String, RenderError> {
        self.render_in(lang, "account.html", view)
    }

    /// The account page's sign-in prompt.
    pub fn account_sign_in_page(&self, lang: &str, view: &AccountSignInView<'_>) -> Result<String, RenderError> {
        self.render_in(lang, "account_signin.html", view)
    }

    /// One user in the dashboard.
    pub fn console_user_page(&self, view: &ConsoleUserView<'_>) -> Result<String, RenderError> {
        self.render("console_user.html", view)
    }

    /// The dashboard's API keys.
    pub fn console_keys_page(&self, view: &ConsoleKeysView<'_>) -> Result<String, RenderError> {
        self.render("console_keys.html", view)
    }

    /// The dashboard's dynamic-registration page.
    pub fn console_registration_page(&self, view: &ConsoleRegistrationView<'_>) -> Result<String, RenderError> {
        self.render("console_registration.html", view)
    }

    /// The dashboard's tenants.
    pub fn console_tenants_page(&self, view: &ConsoleTenantsView<'_>) -> Result<String, RenderError> {
        self.render("console_tenants.html", view)
    }

    /// A confirmation.
    pub fn console_confirm_page(&self, view: &ConfirmView<'_>) -> Result<String, RenderError> {
        self.render("console_confirm.html", view)
    }

    /// A value shown once.
    pub fn console_shown_once_page(&self, view: &ShownOnceView<'_>) -> Result<String, RenderError> {
        self.render("console_shown_once.html", view)
    }

    /// The dashboard's consent-grant list.
    pub fn console_grants_page(&self, view: &ConsoleGrantsView<'_>) -> Result<String, RenderError> {
        self.render("console_grants.html", view)
    }

    /// The dashboard's audit trail.
    pub fn console_events_page(&self, view: &ConsoleEventsView<'_>) -> Result<String, RenderError> {
        self.render("console_events.html", view)
    }

    /// The home page.
    pub fn home_page(&self, lang: &str, view: &HomeView<'_>) -> Result<String, RenderError> {
        self.render_in(lang, "home.html", view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_id_url_becomes_one_path_segment() {
        let url = tera::Value::String("https://tool.example/a b.json".into());
        let encoded = path_segment(&url, &std::collections::HashMap::new()).unwrap();
        assert_eq!(encoded, "https%3A%2F%2Ftool.example%2Fa%20b.json");
        let plain = tera::Value::String("qci_AbC-12_x".into());
        assert_eq!(path_segment(&plain, &std::collections::HashMap::new()).unwrap(), "qci_AbC-12_x");
    }

    #[test]
    fn error_page_escapes_what_it_shows() {
        let renderer = Renderer::new().unwrap();
        let html = renderer
            .error_page(
                "en",
                &ErrorView { title: "Not found", message: "<script>x</script>", code: Some("not_found"), next: None },
            )
            .unwrap();
        assert!(html.contains("&lt;script&gt;x&lt;&#x2F;script&gt;"), "{html}");
        assert!(!html.contains("<script>x"));
        assert!(html.contains("not_found"));
    }

    #[test]
    fn login_and_consent_pages_carry_the_request_and_csrf_token() {
        let renderer = Renderer::new().unwrap();
        let login = renderer
            .login_page(
                "en",
                &LoginView {
                    request_id: "arq_1",
                    csrf_token: "qbr_2",
                    client_name: "Acme <Web>",
                    email: "",
                    error: Some("wrong e-mail or password"),
                    providers: vec![ProviderButton { id: "idp_1".into(), name: "Google".into() }],
                    sign_up: true,
                    notice: None,
                    brand: Some(BrandView {
                        name: "Acme".into(),
                        theme_url: Some("/branding/tnt_1/theme-abc.css".into()),
                        support_url: Some("https://acme.example/help".into()),
                        privacy_url: None,
                        logo_url: Some("/branding/tnt_1/logo-0123456789abcdef.png".into()),
                    }),
                },
            )
            .unwrap();
        assert!(login.contains(r#"href="/password/forgot?request=arq_1""#));
        assert!(login.contains(r#"href="/signup?request=arq_1""#));
        assert!(login.contains("theme-abc.css") && login.contains(">Help</a>") && !login.contains(">Privacy</a>"));
        assert!(
            login.contains(
                r#"<img class="brand-logo" src="&#x2F;branding&#x2F;tnt_1&#x2F;logo-0123456789abcdef.png" alt="">"#
            ),
            "{login}"
        );
        assert!(login.contains(r#"name="request" value="arq_1""#));
        assert!(login.contains(r#"name="csrf_token" value="qbr_2""#));
        assert!(login.contains("Acme &lt;Web&gt;"));
        assert!(login.contains("Continue with Google"), "a button per upstream provider");
        assert!(login.contains(r#"role="alert""#));
        let consent = renderer
            .consent_page(
                "en",
                &ConsentView {
                    request_id: "arq_1",
                    csrf_token: "qbr_2",
                    client_name: "Acme",
                    self_registered: None,
                    user_email: "ada@example.com",
                    scopes: vec![ScopeView { name: "email".into(), description: "See your e-mail address".into() }],
                    brand: None,
                },
            )
            .unwrap();
        assert!(consent.contains("See your e-mail address"));
        assert!(!consent.contains("registered itself"));
        let consent = renderer
            .consent_page(
                "en",
                &ConsentView {
                    request_id: "arq_1",
                    csrf_token: "qbr_2",
                    client_name: "Your Bank",
                    self_registered: Some("evil.example"),
                    user_email: "ada@example.com",
                    scopes: vec![],
                    brand: None,
                },
            )
            .unwrap();
        assert!(consent.contains("registered itself") && consent.contains("<strong>evil.example</strong>"));
        assert!(consent.contains(r#"value="allow""#) && consent.contains(r#"value="deny""#));
    }

    #[test]
    fn a_templates_directory_overrides_some_pages_and_refuses_strangers() {
        let dir = std::env::temp_dir().join(format!("qeetid-templates-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("error.html"),
            r#"{% extends "base.html" %}{% block content %}<h1>Acme says: {{ title }}</h1>{% endblock content %}"#,
        )
        .unwrap();
        let renderer = Renderer::with_overrides(Some(&dir)).unwrap();
        let view = ErrorView { title: "Oops", message: "m", code: None, next: None };
        let page = renderer.error_page("en", &view).unwrap();
        assert!(page.contains("<h1>Acme says: Oops</h1>") && page.contains("qeetid.css"), "base.html still built in");
        assert!(
            renderer
                .login_page(
                    "en",
                    &LoginView {
                        request_id: "arq_1",
                        csrf_token: "c",
                        client_name: "A",
                        email: "",
                        error: None,
                        providers: vec![],
                        sign_up: false,
                        notice: None,
                        brand: None,
                    }
                )
                .unwrap()
                .contains("Forgot password?"),
            "the others stay built in"
        );
        std::fs::write(dir.join("logn.html"), "typo").unwrap();
        let refused = Renderer::with_overrides(Some(&dir)).err().unwrap().to_string();
        assert!(refused.contains("logn.html names no template") && refused.contains("login.html"), "{refused}");
        std::fs::remove_file(dir.join("logn.html")).unwrap();
        std::fs::write(dir.join("consent.html"), "{% if %}").unwrap();
        assert!(Renderer::with_overrides(Some(&dir)).is_err(), "a template Tera cannot parse");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn home_page_names_the_issuer() {
        let html = Renderer::new()
            .unwrap()
            .home_page("en", &HomeView { issuer: "http://localhost:8080", version: "0.1" })
            .unwrap();
        assert!(html.contains("http:&#x2F;&#x2F;localhost:8080"), "{html}");
    }
}
