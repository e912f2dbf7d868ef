//! Which apps the deployment runs, where they live, and their clients.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use qeetid_domain::error::AdminError;
use qeetid_domain::id::{ClientId, TenantId};
use qeetid_domain::oauth::{ValidatedRequest, scopes};
use qeetid_domain::scope::ScopeSet;
use qeetid_domain::services::BuiltInClients;
use sha2::{Digest as _, Sha256};

/// One of the deployment's own web apps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstPartyApp {
    /// The admin dashboard, `/admin`.
    Dashboard,
    /// The end user's account page, `/account`.
    Account,
}

impl FirstPartyApp {
    /// Every first-party app.
    pub const ALL: [Self; 2] = [Self::Dashboard, Self::Account];

    /// Where the app lives (its cookies too).
    pub fn path(self) -> &'static str {
        match self {
            Self::Dashboard => "/admin",
            Self::Account => "/account",
        }
    }

    /// The client's display name, shown on the login page.
    pub fn client_name(self) -> &'static str {
        match self {
            Self::Dashboard => "Qeet ID dashboard",
            Self::Account => "Your account",
        }
    }

    /// Where the authorization endpoint sends the browser back to the app.
    pub fn redirect_uri(self, issuer: &str) -> String {
        format!("{issuer}{}/callback", self.path())
    }

    /// The scopes the app's client asks for, and the only ones it may have.
    pub const SCOPES: [&'static str; 3] = [scopes::OPENID, scopes::PROFILE, scopes::EMAIL];

    /// Whether an authorization request is the app's own sign-in: its built-in
    /// redirect URI on `issuer` and no scope beyond its own. Only such a request is
    /// consented implicitly.
    pub fn is_built_in_request(self, issuer: &str, redirect_uri: &str, scope: &ScopeSet) -> bool {
        redirect_uri == self.redirect_uri(issuer) && scope.iter().all(|s| Self::SCOPES.contains(&s.as_str()))
    }

    /// `typ` of the app's session tokens: a token of one app is never taken by another.
    pub(crate) fn token_type(self) -> &'static str {
        match self {
            Self::Dashboard => "console+jwt",
            Self::Account => "account+jwt",
        }
    }

    /// The id of the app's client in `tenant`: derived from the tenant's id, so every
    /// instance finds the same one.
    pub fn client_id(self, tenant: &TenantId) -> Result<ClientId, AdminError> {
        let salt = match self {
            Self::Dashboard => "qeetid-console:",
            Self::Account => "qeetid-account:",
        };
        let digest = Sha256::digest(format!("{salt}{tenant}").as_bytes());
        let encoded = URL_SAFE_NO_PAD.encode(digest);
        ClientId::parse(&format!("qci_{}", &encoded[..22])).map_err(|e| AdminError::Internal(Box::new(e)))
    }

    /// The first-party app whose client `client` is in `tenant`, if it is one.
    pub fn of(client: &ClientId, tenant: &TenantId) -> Option<Self> {
        Self::ALL.into_iter().find(|app| app.client_id(tenant).is_ok_and(|id| &id == client))
    }
}

/// The apps' clients, declared to the domain: the admin API cannot change them, and
/// their own sign-in (built-in redirect URI on this issuer, their scopes) asks no
/// consent.
#[derive(Debug, Clone)]
pub struct FirstPartyClients {
    issuer: String,
}

impl FirstPartyClients {
    /// The apps of the deployment at `issuer`.
    pub fn new(issuer: impl Into<String>) -> Self {
        Self { issuer: issuer.into() }
    }
}

impl BuiltInClients for FirstPartyClients {
    fn is_built_in(&self, tenant: &TenantId, client: &ClientId) -> bool {
        FirstPartyApp::of(client, tenant).is_some()
    }

    fn consents_implicitly(&self, request: &ValidatedRequest) -> bool {
        FirstPartyApp::of(request.client_id(), request.tenant_id())
            .is_some_and(|app| app.is_built_in_request(&self.issuer, request.redirect_uri().as_str(), request.scope()))
    }
}
