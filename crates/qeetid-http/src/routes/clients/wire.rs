//! The admin API's JSON shapes for clients and their conversions.

use qeetid_domain::client_policy::{ClientPolicyDraft, ExchangePolicyDraft};
use qeetid_domain::logout::{LogoutDelivery, LogoutNoticesDraft};
use qeetid_domain::request_object::RequestObjectDraft;
use qeetid_domain::services::{RegisteredClient, RotatedSecret};
use qeetid_domain::{Client, ClientDraft, ClientLifetimes, ClientPatch};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::wire::{SECRET_WARNING, rfc3339};

/// A client: the full object. Registration's answer shows these fields too.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ClientBody {
    /// `qci_…`, the OAuth `client_id`.
    pub id: String,
    /// Owning tenant.
    pub tenant_id: String,
    /// Display name, shown on the consent page.
    pub name: String,
    /// `public` or `confidential`.
    #[serde(rename = "type")]
    pub client_type: &'static str,
    /// Exact-match redirect URIs.
    pub redirect_uris: Vec<String>,
    /// URIs allowed after logout.
    pub post_logout_uris: Vec<String>,
    /// Allowed grant types.
    pub grant_types: Vec<&'static str>,
    /// Allowed scopes.
    pub scopes: Vec<String>,
    /// Whether PKCE (S256) is required.
    pub require_pkce: bool,
    /// Access-token lifetime override in seconds; `null`: the deployment's.
    pub access_token_ttl_seconds: Option<i64>,
    /// Refresh-token absolute lifetime override; `null`: the deployment's.
    pub refresh_token_ttl_seconds: Option<i64>,
    /// Refresh-token idle lifetime override; `null`: the deployment's.
    pub refresh_token_idle_seconds: Option<i64>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// Whether the client registered itself (`POST /v1/oauth/register`) rather than
    /// being made through this API or the dashboard.
    pub self_registered: bool,
    /// The algorithm of its ID tokens: `ES256` or `RS256`.
    pub id_token_signed_response_alg: &'static str,
    /// The algorithm of its signed UserInfo answers; `null`: plain JSON.
    pub userinfo_signed_response_alg: Option<&'static str>,
    /// Where logout tokens are POSTed (OpenID Connect Back-Channel Logout 1.0).
    pub backchannel_logout_uri: Option<String>,
    /// Whether logout tokens must carry `sid`.
    pub backchannel_logout_session_required: bool,
    /// The page loaded in an iframe when a user signs out (Front-Channel Logout 1.0).
    pub frontchannel_logout_uri: Option<String>,
    /// Whether that page gets `iss` and `sid`.
    pub frontchannel_logout_session_required: bool,
    /// `public` or `pairwise` (OIDC Core §8).
    pub subject_type: &'static str,
    /// A pairwise client's sector identifier document, if it registered one.
    pub sector_identifier_uri: Option<String>,
    /// The JWK Set its request objects are checked with.
    #[schema(value_type = Option<Object>)]
    pub jwks: Option<serde_json::Value>,
    /// Or where that JWK Set is fetched.
    pub jwks_uri: Option<String>,
    /// URLs it may pass as `request_uri`.
    pub request_uris: Vec<String>,
    /// The one algorithm its request objects use, if it named one.
    pub request_object_signing_alg: Option<&'static str>,
    /// How it authenticates: `client_secret_basic` (a secret, in Basic or the
    /// body), `client_secret_post`, `private_key_jwt` or `none`.
    pub token_endpoint_auth_method: &'static str,
    /// The one algorithm its client assertions use, if it named one.
    pub token_endpoint_auth_signing_alg: Option<&'static str>,
    /// Whether its authorization requests must be pushed first (RFC 9126).
    pub require_pushed_authorization_requests: bool,
    /// Whether its access tokens must be DPoP-bound (RFC 9449).
    pub dpop_bound_access_tokens: bool,
    /// Whether it follows the FAPI 2.0 baseline (PAR, PKCE, `private_key_jwt`, DPoP).
    pub fapi2: bool,
    /// What it may exchange (RFC 8693); `null`: nothing.
    pub token_exchange: Option<ExchangePolicyBody>,
}

/// A client's token-exchange policy (RFC 8693).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangePolicyBody {
    /// The APIs (absolute URIs) exchanged tokens may be for, 1 to 20.
    pub audiences: Vec<String>,
    /// The scopes they may carry (never more than the subject token's).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Other clients of the tenant whose users' tokens it may exchange (its own always).
    #[serde(default)]
    pub subject_clients: Vec<String>,
    /// Whether it may exchange without an `actor_token` (impersonation); default false.
    #[serde(default)]
    pub impersonation: bool,
}

impl From<ExchangePolicyBody> for ExchangePolicyDraft {
    fn from(b: ExchangePolicyBody) -> Self {
        Self {
            audiences: b.audiences,
            scopes: b.scopes,
            subject_clients: b.subject_clients,
            impersonation: b.impersonation,
        }
    }
}

impl From<&Client> for ClientBody {
    fn from(c: &Client) -> Self {
        let s = &c.settings;
        let logout = s.logout_notices();
        Self {
            id: c.id.to_string(),
            tenant_id: c.tenant_id.to_string(),
            name: s.name().to_owned(),
            client_type: s.client_type().as_str(),
            redirect_uris: s.redirect_uris().iter().map(|u| u.as_str().to_owned()).collect(),
            post_logout_uris: s.post_logout_uris().iter().map(|u| u.as_str().to_owned()).collect(),
            grant_types: s.grant_types().iter().map(|g| g.as_str()).collect(),
            scopes: s.scopes().iter().map(|x| x.as_str().to_owned()).collect(),
            require_pkce: s.require_pkce(),
            access_token_ttl_seconds: s.lifetimes().access_token,
            refresh_token_ttl_seconds: s.lifetimes().refresh_token,
            refresh_token_idle_seconds: s.lifetimes().refresh_token_idle,
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
            self_registered: c.registration.is_some(),
            id_token_signed_response_alg: s.id_token_alg().as_str(),
            userinfo_signed_response_alg: s.userinfo_alg().map(|a| a.as_str()),
            backchannel_logout_uri: logout.backchannel.as_ref().map(|e| e.uri().to_owned()),
            backchannel_logout_session_required: logout.backchannel.as_ref().is_some_and(|e| e.session_required()),
            frontchannel_logout_uri: logout.frontchannel.as_ref().map(|e| e.uri().to_owned()),
            frontchannel_logout_session_required: logout.frontchannel.as_ref().is_some_and(|e| e.session_required()),
            subject_type: s.subject_type().as_str(),
            sector_identifier_uri: s.subject_type().sector_identifier_uri().map(str::to_owned),
            jwks: s.request_objects().jwks().and_then(|j| serde_json::from_str(j).ok()),
            jwks_uri: s.request_objects().jwks_uri().map(str::to_owned),
            request_uris: s.request_objects().request_uris().to_vec(),
            request_object_signing_alg: s.request_objects().alg().map(|a| a.as_str()),
            token_endpoint_auth_method: s.auth_method().as_str(),
            token_endpoint_auth_signing_alg: s.policy().auth_alg().map(|a| a.as_str()),
            require_pushed_authorization_requests: s.policy().require_par(),
            dpop_bound_access_tokens: s.policy().dpop_bound(),
            fapi2: s.policy().fapi2(),
            token_exchange: s.policy().exchange().map(|x| ExchangePolicyBody {
                audiences: x.audiences.clone(),
                scopes: x.scopes.clone(),
                subject_clients: x.subject_clients.iter().map(|c| c.as_str().to_owned()).collect(),
                impersonation: x.impersonation,
            }),
        }
    }
}

/// `{"client": …}`
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ClientEnvelope {
    /// The client.
    pub client: ClientBody,
}

/// Registration's answer: the client, and for a confidential client its secret, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RegisteredClientBody {
    /// The client.
    pub client: ClientBody,
    /// `qcs_…`; only for confidential clients.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// Present with a secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<&'static str>,
}

impl From<&RegisteredClient> for RegisteredClientBody {
    fn from(r: &RegisteredClient) -> Self {
        Self {
            client: (&r.client).into(),
            client_secret: r.secret.as_ref().map(|s| s.expose().to_owned()),
            warning: r.secret.as_ref().map(|_| SECRET_WARNING),
        }
    }
}

/// Rotation's answer: like registration, plus when the previous secret stops working.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RotatedSecretBody {
    /// The client.
    pub client: ClientBody,
    /// The new secret, shown once.
    pub client_secret: String,
    /// Reminder that the secret is shown once.
    pub warning: &'static str,
    /// RFC 3339; present when a grace period was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_secret_expires_at: Option<String>,
}

impl From<&RotatedSecret> for RotatedSecretBody {
    fn from(r: &RotatedSecret) -> Self {
        Self {
            client: (&r.client).into(),
            client_secret: r.secret.expose().to_owned(),
            warning: SECRET_WARNING,
            previous_secret_expires_at: r.previous_secret_expires_at.map(rfc3339),
        }
    }
}

/// A page of clients.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ClientList {
    /// Newest first.
    pub clients: Vec<ClientBody>,
    /// Next page's cursor, or `null`.
    pub next_cursor: Option<String>,
}

/// Body of `POST /v1/oidc/clients` (the Clients page's request).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegisterClientRequest {
    /// Owning tenant; may be left out with a tenant key (its own tenant).
    pub tenant_id: Option<String>,
    /// Display name, 1 to 200 characters.
    pub name: String,
    /// `public` (SPA/native, PKCE, no secret) or `confidential` (holds a secret).
    #[serde(rename = "type")]
    pub client_type: String,
    /// https, loopback http, or (public clients) a reverse-domain private-use scheme.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Where RP-initiated logout may return to.
    #[serde(default)]
    pub post_logout_uris: Vec<String>,
    /// Default `["authorization_code"]`.
    pub grant_types: Option<Vec<String>>,
    /// Default `["openid","profile","email","offline_access"]`.
    pub scopes: Option<Vec<String>>,
    /// Default true; always true for public clients.
    pub require_pkce: Option<bool>,
    /// Access-token lifetime, 60 to 86400 s (default: the deployment's).
    pub access_token_ttl_seconds: Option<i64>,
    /// Refresh-token absolute lifetime, 60 s to 1 year (default: the deployment's).
    pub refresh_token_ttl_seconds: Option<i64>,
    /// Refresh-token idle lifetime, 60 s to 1 year (default: the deployment's).
    pub refresh_token_idle_seconds: Option<i64>,
    /// `ES256` (default) or `RS256`: the algorithm of its ID tokens.
    pub id_token_signed_response_alg: Option<String>,
    /// `ES256` or `RS256` for signed UserInfo answers (default: plain JSON).
    pub userinfo_signed_response_alg: Option<String>,
    /// https URL where logout tokens are POSTed when a session of the client's ends.
    pub backchannel_logout_uri: Option<String>,
    /// Whether logout tokens must carry `sid` (default false).
    pub backchannel_logout_session_required: Option<bool>,
    /// Page on a redirect URI's origin, loaded in an iframe when a user signs out.
    pub frontchannel_logout_uri: Option<String>,
    /// Whether that page gets `iss` and `sid` (default false).
    pub frontchannel_logout_session_required: Option<bool>,
    /// `public` (default) or `pairwise`: each sector sees its own `sub` for a user.
    pub subject_type: Option<String>,
    /// For `pairwise`: an https JSON array listing every redirect URI; its host is
    /// the sector. Needed when the redirect URIs are on several hosts.
    pub sector_identifier_uri: Option<String>,
    /// A JWK Set (object) that checks the client's request objects (RFC 9101).
    #[schema(value_type = Option<Object>)]
    pub jwks: Option<serde_json::Value>,
    /// Or an https URL of that JWK Set.
    pub jwks_uri: Option<String>,
    /// https URLs the client may pass as `request_uri`.
    pub request_uris: Option<Vec<String>>,
    /// `RS256`, `PS256`, `ES256`, `EdDSA`, or `none` to allow unsigned request objects.
    pub request_object_signing_alg: Option<String>,
    /// `client_secret_basic` (default for confidential clients: the secret in Basic
    /// or the body), `client_secret_post`, `private_key_jwt` (needs `jwks` or
    /// `jwks_uri`), or `none` (public clients).
    pub token_endpoint_auth_method: Option<String>,
    /// `RS256`, `PS256`, `ES256` or `EdDSA`: the one algorithm of its client assertions.
    pub token_endpoint_auth_signing_alg: Option<String>,
    /// Its authorization requests must be pushed first (RFC 9126; default false).
    pub require_pushed_authorization_requests: Option<bool>,
    /// Its access tokens must be DPoP-bound (RFC 9449; default false).
    pub dpop_bound_access_tokens: Option<bool>,
    /// The FAPI 2.0 baseline: PAR, PKCE, `private_key_jwt` and DPoP (default false).
    pub fapi2: Option<bool>,
    /// What it may exchange (RFC 8693), with the token-exchange grant type.
    pub token_exchange: Option<ExchangePolicyBody>,
}

impl RegisterClientRequest {
    pub(crate) fn into_draft(self) -> (Option<String>, ClientDraft) {
        let draft = ClientDraft {
            name: self.name,
            client_type: self.client_type,
            redirect_uris: self.redirect_uris,
            post_logout_uris: self.post_logout_uris,
            grant_types: self.grant_types,
            scopes: self.scopes,
            require_pkce: self.require_pkce,
            lifetimes: ClientLifetimes {
                access_token: self.access_token_ttl_seconds,
                refresh_token: self.refresh_token_ttl_seconds,
                refresh_token_idle: self.refresh_token_idle_seconds,
            },
            id_token_signed_response_alg: self.id_token_signed_response_alg,
            userinfo_signed_response_alg: self.userinfo_signed_response_alg,
            logout: LogoutNoticesDraft {
                backchannel_logout_uri: self.backchannel_logout_uri,
                backchannel_logout_session_required: self.backchannel_logout_session_required,
                frontchannel_logout_uri: self.frontchannel_logout_uri,
                frontchannel_logout_session_required: self.frontchannel_logout_session_required,
            },
            subject_type: self.subject_type,
            sector_identifier_uri: self.sector_identifier_uri,
            request_objects: RequestObjectDraft {
                jwks: self.jwks.map(|j| j.to_string()),
                jwks_uri: self.jwks_uri,
                request_uris: self.request_uris,
                request_object_signing_alg: self.request_object_signing_alg,
            },
            policy: ClientPolicyDraft {
                token_endpoint_auth_method: self.token_endpoint_auth_method,
                token_endpoint_auth_signing_alg: self.token_endpoint_auth_signing_alg,
                require_pushed_authorization_requests: self.require_pushed_authorization_requests,
                dpop_bound_access_tokens: self.dpop_bound_access_tokens,
                fapi2: self.fapi2,
                token_exchange: self.token_exchange.map(|x| Some(x.into())),
            },
        };
        (self.tenant_id, draft)
    }
}

/// Body of `PATCH /v1/tenants/{tenantID}/oidc/clients/{id}`: fields left out stay as they are;
/// lists given replace the old ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateClientRequest {
    /// New display name.
    pub name: Option<String>,
    /// May be restated, never changed.
    #[serde(rename = "type")]
    pub client_type: Option<String>,
    /// New redirect URIs.
    pub redirect_uris: Option<Vec<String>>,
    /// New post-logout URIs.
    pub post_logout_uris: Option<Vec<String>>,
    /// New grant types.
    pub grant_types: Option<Vec<String>>,
    /// New scopes.
    pub scopes: Option<Vec<String>>,
    /// New PKCE requirement.
    pub require_pkce: Option<bool>,
    /// New access-token lifetime; 0 returns to the deployment's.
    pub access_token_ttl_seconds: Option<i64>,
    /// New refresh-token absolute lifetime; 0 returns to the deployment's.
    pub refresh_token_ttl_seconds: Option<i64>,
    /// New refresh-token idle lifetime; 0 returns to the deployment's.
    pub refresh_token_idle_seconds: Option<i64>,
    /// New ID token algorithm: `ES256` or `RS256`.
    pub id_token_signed_response_alg: Option<String>,
    /// New UserInfo algorithm: `ES256`, `RS256`, or `""` for plain JSON again.
    pub userinfo_signed_response_alg: Option<String>,
    /// New back-channel logout URI; `""` removes it.
    pub backchannel_logout_uri: Option<String>,
    /// Whether logout tokens must carry `sid`.
    pub backchannel_logout_session_required: Option<bool>,
    /// New front-channel logout URI; `""` removes it.
    pub frontchannel_logout_uri: Option<String>,
    /// Whether the front-channel page gets `iss` and `sid`.
    pub frontchannel_logout_session_required: Option<bool>,
    /// New subject type: `public` or `pairwise` (every `sub` the client sees changes).
    pub subject_type: Option<String>,
    /// New sector identifier document; `""` removes it.
    pub sector_identifier_uri: Option<String>,
    /// New request-object JWK Set (replacing the old one).
    #[schema(value_type = Option<Object>)]
    pub jwks: Option<serde_json::Value>,
    /// New JWK Set URL; `""` removes it.
    pub jwks_uri: Option<String>,
    /// New `request_uris` (replacing the old list).
    pub request_uris: Option<Vec<String>>,
    /// New request-object algorithm; `""` returns to the key's own.
    pub request_object_signing_alg: Option<String>,
    /// New authentication method (the client's type stays).
    pub token_endpoint_auth_method: Option<String>,
    /// New client-assertion algorithm; `""` returns to the key's own.
    pub token_endpoint_auth_signing_alg: Option<String>,
    /// Whether its authorization requests must be pushed first.
    pub require_pushed_authorization_requests: Option<bool>,
    /// Whether its access tokens must be DPoP-bound.
    pub dpop_bound_access_tokens: Option<bool>,
    /// Whether it follows the FAPI 2.0 baseline.
    pub fapi2: Option<bool>,
    /// A new token-exchange policy; `null` removes it.
    #[serde(default, deserialize_with = "crate::wire::present")]
    #[schema(value_type = Option<ExchangePolicyBody>)]
    pub token_exchange: Option<Option<ExchangePolicyBody>>,
}

impl From<UpdateClientRequest> for ClientPatch {
    fn from(r: UpdateClientRequest) -> Self {
        Self {
            name: r.name,
            client_type: r.client_type,
            redirect_uris: r.redirect_uris,
            post_logout_uris: r.post_logout_uris,
            grant_types: r.grant_types,
            scopes: r.scopes,
            require_pkce: r.require_pkce,
            lifetimes: ClientLifetimes {
                access_token: r.access_token_ttl_seconds,
                refresh_token: r.refresh_token_ttl_seconds,
                refresh_token_idle: r.refresh_token_idle_seconds,
            },
            id_token_signed_response_alg: r.id_token_signed_response_alg,
            userinfo_signed_response_alg: r.userinfo_signed_response_alg,
            logout: LogoutNoticesDraft {
                backchannel_logout_uri: r.backchannel_logout_uri,
                backchannel_logout_session_required: r.backchannel_logout_session_required,
                frontchannel_logout_uri: r.frontchannel_logout_uri,
                frontchannel_logout_session_required: r.frontchannel_logout_session_required,
            },
            subject_type: r.subject_type,
            sector_identifier_uri: r.sector_identifier_uri,
            request_objects: RequestObjectDraft {
                jwks: r.jwks.map(|j| j.to_string()),
                jwks_uri: r.jwks_uri,
                request_uris: r.request_uris,
                request_object_signing_alg: r.request_object_signing_alg,
            },
            policy: ClientPolicyDraft {
                token_endpoint_auth_method: r.token_endpoint_auth_method,
                token_endpoint_auth_signing_alg: r.token_endpoint_auth_signing_alg,
                require_pushed_authorization_requests: r.require_pushed_authorization_requests,
                dpop_bound_access_tokens: r.dpop_bound_access_tokens,
                fapi2: r.fapi2,
                token_exchange: r.token_exchange.map(|x| x.map(Into::into)),
            },
        }
    }
}

/// Body of `POST …/rotate-secret` (may be empty).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RotateSecretRequest {
    /// How long the previous secret keeps working, 0 to 604800 seconds (default 0).
    pub grace_period_seconds: Option<i64>,
}

/// A back-channel logout not yet delivered.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LogoutDeliveryBody {
    /// The user who signed out (the logout token's `sub`).
    pub user_id: String,
    /// The session that ended (`sid`); `null`: every session of the user (a revoked grant).
    pub session_id: Option<String>,
    /// RFC 3339: when the session ended.
    pub created_at: String,
    /// Offers so far.
    pub attempts: i64,
    /// `retrying` (RFC 3339 `next_attempt_at` says when) or `failed` (no more offers).
    pub state: &'static str,
    /// RFC 3339; for `retrying`.
    pub next_attempt_at: Option<String>,
    /// Why the last offer failed.
    pub last_error: Option<String>,
}

impl From<&LogoutDelivery> for LogoutDeliveryBody {
    fn from(d: &LogoutDelivery) -> Self {
        Self {
            user_id: d.user_id.to_string(),
            session_id: d.session_id.as_ref().map(ToString::to_string),
            created_at: rfc3339(d.created_at),
            attempts: d.attempts,
            state: if d.failed { "failed" } else { "retrying" },
            next_attempt_at: (!d.failed).then(|| rfc3339(d.next_attempt_at)),
            last_error: d.last_error.clone(),
        }
    }
}

/// `{"deliveries": […]}`
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LogoutDeliveryList {
    /// Newest first.
    pub deliveries: Vec<LogoutDeliveryBody>,
}
