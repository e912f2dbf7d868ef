//! Views of the end user's account page (`/account`).

use std::collections::BTreeMap;

use serde::Serialize;

/// The account page.
#[derive(Debug, Serialize)]
pub struct AccountView<'a> {
    /// The forms' CSRF token.
    pub csrf_token: &'a str,
    /// The user's e-mail.
    pub email: &'a str,
    /// Whether it is verified.
    pub email_verified: bool,
    /// The name field, as stored or as typed.
    pub name: &'a str,
    /// Whether the user has a password (asks for the current one to change it).
    pub has_password: bool,
    /// Applications with access.
    pub apps: Vec<AccountAppRow>,
    /// Live sessions, newest first.
    pub sessions: Vec<AccountSessionRow>,
    /// Two-step verification.
    pub mfa: AccountMfaView,
    /// Passkeys, oldest first.
    pub passkeys: Vec<AccountPasskeyRow>,
    /// A success message after a form.
    pub notice: Option<&'a str>,
    /// Field name → what is wrong with it.
    pub errors: BTreeMap<String, String>,
    /// The tenant's look.
    pub brand: Option<crate::BrandView>,
}

/// The two-step verification section.
#[derive(Debug, Serialize)]
pub struct AccountMfaView {
    /// On since (RFC 3339), or `None` when off.
    pub on_since: Option<String>,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
    /// An app being set up (waiting for its first code).
    pub enrol: Option<crate::EnrolView>,
}

/// One passkey.
#[derive(Debug, Serialize)]
pub struct AccountPasskeyRow {
    /// `pky_…`
    pub id: String,
    /// Its name.
    pub name: String,
    /// Registered (RFC 3339).
    pub created_at: String,
    /// Last sign-in (RFC 3339), or "".
    pub last_used_at: String,
    /// Synced between devices.
    pub synced: bool,
}

/// One connected application.
#[derive(Debug, Serialize)]
pub struct AccountAppRow {
    /// `grt_…`, to revoke it.
    pub grant_id: String,
    /// The client's display name.
    pub name: String,
    /// Granted scopes, space-separated.
    pub scopes: String,
    /// RFC 3339.
    pub since: String,
}

/// One sign-in session.
#[derive(Debug, Serialize)]
pub struct AccountSessionRow {
    /// `ses_…`, to end it.
    pub id: String,
    /// When (RFC 3339).
    pub signed_in: String,
    /// How, in words.
    pub methods: String,
    /// The browser and system, in words ("Firefox on Windows").
    pub device: String,
    /// Roughly where: the network it signed in from, or "".
    pub place: String,
    /// Until when (RFC 3339).
    pub expires: String,
    /// Whether it is the session of this browser.
    pub current: bool,
}

/// The account page for a browser not signed in.
#[derive(Debug, Serialize)]
pub struct AccountSignInView<'a> {
    /// The tenant (slug or id) as typed.
    pub tenant: &'a str,
    /// What went wrong, if anything.
    pub error: Option<&'a str>,
}

/// How someone signed in (`amr` values, RFC 8176), in the words of `words`.
pub fn describe_amr(words: &crate::Catalogue, amr: &[String]) -> String {
    let said: Vec<String> = amr
        .iter()
        .map(|m| match m.as_str() {
            "hwk" | "swk" => words.text("amr-passkey", &[]),
            known @ ("pwd" | "otp" | "fed" | "mfa") => words.text(&format!("amr-{known}"), &[]),
            other => other.to_owned(),
        })
        .collect();
    said.join(", ")
}
