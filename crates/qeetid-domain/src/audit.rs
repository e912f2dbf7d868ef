//! The audit trail: what happened to a tenant's accounts and settings, by whom —
//! sign-ins and their failures, sign-outs, consent, token reuse, changes of how a
//! user signs in, and every admin change with what it changed (never a secret).
//! Events are kept per tenant for `audit_retention_days` and read through the
//! admin API and the dashboard.

use crate::api_key::Caller;
use crate::id::{EventId, TenantId, UserId};
use crate::time::UnixTime;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A user signed in (first factor, and second when owed), a session began.
    SignInSucceeded,
    /// A sign-in was refused: `reason` says why (wrong password or unknown account
    /// alike: `invalid_credentials`; `account_disabled`).
    SignInFailed,
    /// A sign-in attempt was held back by the throttles.
    SignInThrottled,
    /// A second-factor code was refused.
    SecondFactorFailed,
    /// A session ended (sign-out at the end-session endpoint or the account page).
    SignedOut,
    /// A user let a client in (consent given).
    ConsentGranted,
    /// A grant was revoked, by the user or an admin.
    ConsentRevoked,
    /// A refresh token was used twice: its family and grant were revoked.
    RefreshTokenReused,
    /// A password was set or changed.
    PasswordChanged,
    /// A second factor or passkey was added or removed, or recovery codes made.
    FactorChanged,
    /// A password-reset link was sent (only for an address that has an account).
    PasswordResetRequested,
    /// A user proved their e-mail address by its link.
    EmailVerified,
    /// Someone created an account on the hosted login.
    SignedUp,
    /// An admin (API key or dashboard) changed something.
    AdminChange,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [Self; 14] = [
        Self::SignInSucceeded,
        Self::SignInFailed,
        Self::SignInThrottled,
        Self::SecondFactorFailed,
        Self::SignedOut,
        Self::ConsentGranted,
        Self::ConsentRevoked,
        Self::RefreshTokenReused,
        Self::PasswordChanged,
        Self::FactorChanged,
        Self::PasswordResetRequested,
        Self::EmailVerified,
        Self::SignedUp,
        Self::AdminChange,
    ];

    /// The name in the API and the store (`sign_in.failed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignInSucceeded => "sign_in.succeeded",
            Self::SignInFailed => "sign_in.failed",
            Self::SignInThrottled => "sign_in.throttled",
            Self::SecondFactorFailed => "second_factor.failed",
            Self::SignedOut => "sign_out",
            Self::ConsentGranted => "consent.granted",
            Self::ConsentRevoked => "consent.revoked",
            Self::RefreshTokenReused => "token.reuse_detected",
            Self::PasswordChanged => "password.changed",
            Self::FactorChanged => "factor.changed",
            Self::PasswordResetRequested => "password.reset_requested",
            Self::EmailVerified => "email.verified",
            Self::SignedUp => "user.signed_up",
            Self::AdminChange => "admin.change",
        }
    }

    /// The kind named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// Who did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The user themselves (signing in, on the account page).
    User(UserId),
    /// An admin caller: an API key, a dashboard admin, or the operator on the host.
    Admin(Caller),
    /// The server itself (reuse detection, expiry).
    System,
}

impl Actor {
    /// As stored and shown: `user:usr_…`, `admin:usr_…` (dashboard), `api_key:key_…`,
    /// `operator`, `system`.
    pub fn label(&self) -> String {
        match self {
            Self::User(id) => format!("user:{id}"),
            Self::Admin(caller) => match &caller.admin {
                Some(user) => format!("admin:{user}"),
                None if caller.key_id == Caller::operator().key_id => "operator".to_owned(),
                None => format!("api_key:{}", caller.key_id),
            },
            Self::System => "system".to_owned(),
        }
    }
}

/// One recorded event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// `evt_…`.
    pub id: EventId,
    /// The tenant it happened in.
    pub tenant_id: TenantId,
    /// When.
    pub at: UnixTime,
    /// What.
    pub kind: EventKind,
    /// Who, as [`Actor::label`].
    pub actor: String,
    /// The user it concerns, if any.
    pub user_id: Option<UserId>,
    /// The client it concerns, if any.
    pub client_id: Option<String>,
    /// The client's network address, when known.
    pub address: Option<String>,
    /// What else there is to say, as names and values: a `reason`, an `action` and
    /// its `target`, `before.<field>` and `after.<field>` of a changed setting.
    pub details: Vec<(String, String)>,
}

/// An event to record: what the use case knows; the id and time are added when it
/// is recorded.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// The tenant.
    pub tenant_id: TenantId,
    /// What.
    pub kind: EventKind,
    /// Who.
    pub actor: Actor,
    /// The user it concerns.
    pub user_id: Option<UserId>,
    /// The client it concerns.
    pub client_id: Option<String>,
    /// The client's address.
    pub address: Option<String>,
    /// Details (never a secret).
    pub details: Vec<(String, String)>,
}

impl NewEvent {
    /// An event of `kind` in `tenant` by `actor`, with nothing else yet.
    pub fn new(tenant_id: TenantId, kind: EventKind, actor: Actor) -> Self {
        Self { tenant_id, kind, actor, user_id: None, client_id: None, address: None, details: Vec::new() }
    }

    /// Concerning `user`.
    pub fn user(mut self, user: &UserId) -> Self {
        self.user_id = Some(user.clone());
        self
    }

    /// Concerning `client`.
    pub fn client(mut self, client: &str) -> Self {
        self.client_id = Some(client.to_owned());
        self
    }

    /// From `address`.
    pub fn address(mut self, address: Option<std::net::IpAddr>) -> Self {
        self.address = address.map(|a| a.to_string());
        self
    }

    /// With the detail `name` = `value`.
    pub fn detail(mut self, name: &str, value: impl Into<String>) -> Self {
        self.details.push((name.to_owned(), value.into()));
        self
    }

    /// With `before.<field>` and `after.<field>` when the value changed.
    pub fn change(self, field: &str, before: impl ToString, after: impl ToString) -> Self {
        let (before, after) = (before.to_string(), after.to_string());
        if before == after {
            return self;
        }
        self.detail(&format!("before.{field}"), before).detail(&format!("after.{field}"), after)
    }
}

/// Which events to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only this kind.
    pub kind: Option<EventKind>,
    /// Only events concerning this user.
    pub user_id: Option<UserId>,
    /// Only events concerning this client.
    pub client_id: Option<String>,
    /// At or after this time.
    pub since: Option<UnixTime>,
    /// Before this time.
    pub until: Option<UnixTime>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api_key::KeyScope;
    use crate::id::ApiKeyId;

    #[test]
    fn kinds_round_trip_by_name() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(EventKind::parse("sign_in"), None);
    }

    #[test]
    fn actors_say_who_without_secrets() {
        let user = UserId::parse("usr_0123456789abcdefghijkl").unwrap();
        assert_eq!(Actor::User(user.clone()).label(), "user:usr_0123456789abcdefghijkl");
        assert_eq!(Actor::Admin(Caller::operator()).label(), "operator");
        let key = Caller {
            key_id: ApiKeyId::parse("key_0123456789abcdefghijkl").unwrap(),
            scope: KeyScope::Deployment,
            admin: None,
        };
        assert_eq!(Actor::Admin(key).label(), "api_key:key_0123456789abcdefghijkl");
        assert_eq!(
            Actor::Admin(Caller::dashboard(KeyScope::Deployment, user)).label(),
            "admin:usr_0123456789abcdefghijkl"
        );
    }

    #[test]
    fn a_change_is_recorded_only_when_the_value_changed() {
        let tenant = TenantId::parse("tnt_0123456789abcdefghijkl").unwrap();
        let event = NewEvent::new(tenant, EventKind::AdminChange, Actor::System)
            .change("name", "A", "A")
            .change("mfa", false, true);
        assert_eq!(
            event.details,
            vec![("before.mfa".to_owned(), "false".to_owned()), ("after.mfa".to_owned(), "true".to_owned())]
        );
    }
}
