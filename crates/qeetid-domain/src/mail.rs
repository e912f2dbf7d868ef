//! E-mail to users: what is sent (a password-reset link, an address to verify, a
//! notice that the address already has an account), the outbox it waits in until
//! a sender delivers it, and the single-use links those messages carry.

use crate::error::ValidationError;
use crate::id::{RequestId, TenantId, UserId};
use crate::secret::SecretHash;
use crate::time::UnixTime;
use crate::user::Email;

/// Minutes a password-reset link works.
pub const RESET_LINK_MINUTES: i64 = 30;
/// Hours an address-verification link works.
pub const VERIFY_LINK_HOURS: i64 = 24;

/// What a message is for (each has its own template).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// A link to set a new password.
    PasswordReset,
    /// A link that proves the address belongs to the user.
    VerifyEmail,
    /// Someone signed up with an address that already has an account: its owner
    /// is told instead (so sign-up never says which addresses exist).
    AccountExists,
}

impl MailKind {
    /// `password_reset`, `verify_email`, `account_exists`: the template's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PasswordReset => "password_reset",
            Self::VerifyEmail => "verify_email",
            Self::AccountExists => "account_exists",
        }
    }

    /// The kind named `raw`.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::PasswordReset, Self::VerifyEmail, Self::AccountExists].into_iter().find(|k| k.as_str() == raw)
    }
}

/// One message to one user, before it is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// What it is for.
    pub kind: MailKind,
    /// The recipient.
    pub to: Email,
    /// The tenant's display name: the sender's name and the message's signature.
    pub tenant_name: String,
    /// The recipient's name, if known.
    pub user_name: Option<String>,
    /// The link the message carries (a reset or verification link, or the sign-in
    /// page for [`MailKind::AccountExists`]).
    pub link: String,
    /// Minutes the link works (0: it does not expire).
    pub valid_minutes: i64,
    /// The tenant's colour (`rrggbb`) for the message's button, if it has one.
    pub accent: Option<String>,
    /// The tenant's support link, for the message's foot.
    pub support_url: Option<String>,
    /// The tenant's logo (an absolute URL), for the message's head.
    pub logo_url: Option<String>,
    /// The language it is written in: the reader's at the page that caused it, or
    /// the tenant's default for a message an admin's action sends.
    pub locale: crate::locale::Locale,
}

impl Mail {
    /// The message as one line of `application/x-www-form-urlencoded` text, the form
    /// it is sealed in while it waits in the outbox.
    pub fn encode(&self) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        out.append_pair("kind", self.kind.as_str())
            .append_pair("to", self.to.as_str())
            .append_pair("tenant", &self.tenant_name)
            .append_pair("link", &self.link)
            .append_pair("valid_minutes", &self.valid_minutes.to_string());
        if let Some(name) = &self.user_name {
            out.append_pair("name", name);
        }
        if let Some(accent) = &self.accent {
            out.append_pair("accent", accent);
        }
        if let Some(support) = &self.support_url {
            out.append_pair("support", support);
        }
        if let Some(logo) = &self.logo_url {
            out.append_pair("logo", logo);
        }
        out.append_pair("lang", self.locale.tag());
        out.finish()
    }

    /// [`Self::encode`] read back.
    ///
    /// # Errors
    /// A [`ValidationError`] naming the part that is missing or not valid.
    pub fn decode(text: &str) -> Result<Self, ValidationError> {
        let (mut kind, mut to, mut tenant, mut link, mut minutes, mut name) = (None, None, None, None, None, None);
        let (mut accent, mut support, mut locale, mut logo) = (None, None, None, None);
        for (key, value) in url::form_urlencoded::parse(text.as_bytes()) {
            match key.as_ref() {
                "kind" => kind = MailKind::parse(&value),
                "to" => to = Email::parse(&value).ok(),
                "tenant" => tenant = Some(value.into_owned()),
                "link" => link = Some(value.into_owned()),
                "valid_minutes" => minutes = value.parse::<i64>().ok(),
                "name" => name = Some(value.into_owned()),
                "accent" => accent = Some(value.into_owned()),
                "support" => support = Some(value.into_owned()),
                "logo" => logo = Some(value.into_owned()),
                "lang" => locale = crate::locale::Locale::from_tag(&value),
                _ => {}
            }
        }
        let missing = |part: &str| ValidationError::new("mail", format!("the queued message has no valid {part}"));
        Ok(Self {
            kind: kind.ok_or_else(|| missing("kind"))?,
            to: to.ok_or_else(|| missing("recipient"))?,
            tenant_name: tenant.ok_or_else(|| missing("tenant"))?,
            link: link.ok_or_else(|| missing("link"))?,
            valid_minutes: minutes.ok_or_else(|| missing("lifetime"))?,
            user_name: name,
            accent,
            support_url: support,
            locale: locale.unwrap_or_default(),
            logo_url: logo,
        })
    }
}

/// A message in the outbox: sealed (it holds a live link), due at
/// `next_attempt_at`, deleted once delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMail {
    /// `mail_…`: the row's id, and the sealing context's.
    pub id: String,
    /// The tenant it is sent for.
    pub tenant_id: TenantId,
    /// The [`Mail`], encoded and sealed under the key-encryption key.
    pub sealed_message: String,
    /// Offers so far.
    pub attempts: i64,
    /// When it is due (again), or until when a sender holds it.
    pub next_attempt_at: UnixTime,
    /// When it was queued.
    pub created_at: UnixTime,
}

/// The sealing context of a queued message.
pub fn mail_seal_context(id: &str) -> String {
    format!("mail:{id}")
}

/// What a single-use link lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Set a new password.
    PasswordReset,
    /// Prove the address.
    VerifyEmail,
}

impl LinkPurpose {
    /// `password_reset` or `verify_email`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PasswordReset => "password_reset",
            Self::VerifyEmail => "verify_email",
        }
    }

    /// The purpose named `raw`.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::PasswordReset, Self::VerifyEmail].into_iter().find(|p| p.as_str() == raw)
    }

    /// The prefix of the link's token (`qpr_`, `qev_`): recognisable by secret scanners.
    pub fn token_prefix(self) -> &'static str {
        match self {
            Self::PasswordReset => "qpr_",
            Self::VerifyEmail => "qev_",
        }
    }
}

/// A single-use link sent by e-mail: only its token's hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLink {
    /// SHA-256 of the token.
    pub token_hash: SecretHash,
    /// What it is for.
    pub purpose: LinkPurpose,
    /// The user's tenant.
    pub tenant_id: TenantId,
    /// Whose account.
    pub user_id: UserId,
    /// The address it was sent to: a verification proves this address only (a
    /// user whose address changed since is not verified by an old link).
    pub email: Email,
    /// The authorization request the user was in when it was asked for, to go back
    /// to once it is used.
    pub request_id: Option<RequestId>,
    /// When it was made.
    pub created_at: UnixTime,
    /// When it stops working.
    pub expires_at: UnixTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_survives_its_encoding() {
        let mail = Mail {
            kind: MailKind::PasswordReset,
            to: Email::parse("ada@example.com").unwrap(),
            tenant_name: "Acme & Co = ok".into(),
            user_name: Some("Ada Lovelace".into()),
            link: "https://id.example.com/password/reset?token=qpr_abc&x=1".into(),
            valid_minutes: 30,
            accent: Some("0f766e".into()),
            support_url: Some("https://acme.example/help?a=1&b=2".into()),
            locale: crate::locale::Locale::De,
            logo_url: Some("https://id.example.com/branding/tnt_1/logo-0123456789abcdef.png".into()),
        };
        assert_eq!(Mail::decode(&mail.encode()).unwrap(), mail);
        let unnamed = Mail { user_name: None, accent: None, support_url: None, ..mail };
        assert_eq!(Mail::decode(&unnamed.encode()).unwrap(), unnamed);
        assert!(Mail::decode("kind=nonsense&to=ada%40example.com").is_err());
        let queued_before_languages = "kind=verify_email&to=ada%40example.com&tenant=A&link=l&valid_minutes=1";
        assert_eq!(Mail::decode(queued_before_languages).unwrap().locale, crate::locale::Locale::En);
    }

    #[test]
    fn kinds_and_purposes_round_trip() {
        for kind in [MailKind::PasswordReset, MailKind::VerifyEmail, MailKind::AccountExists] {
            assert_eq!(MailKind::parse(kind.as_str()), Some(kind));
        }
        for purpose in [LinkPurpose::PasswordReset, LinkPurpose::VerifyEmail] {
            assert_eq!(LinkPurpose::parse(purpose.as_str()), Some(purpose));
        }
    }
}
