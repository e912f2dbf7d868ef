//! What a client must do beyond a plain secret: how it authenticates
//! (`token_endpoint_auth_method`, RFC 7591 §2; `private_key_jwt`, RFC 7523), whether
//! its authorization requests must be pushed (RFC 9126), whether its access tokens
//! must be bound to a DPoP key (RFC 9449), and the FAPI 2.0 Security Profile as one
//! switch, per client and per tenant; and the checks of a client assertion's claims.

use crate::error::ValidationError;
use crate::registration::TokenAuthMethod;
use crate::request_object::{RequestObjectAlg, RequestObjectSettings};
use crate::time::UnixTime;

/// How far a client assertion's `iat`/`nbf` may be ahead of the server's clock.
const CLOCK_SKEW_SECONDS: i64 = 60;
/// The longest a client assertion may live: one whose `exp` is further away is
/// refused (its `jti` is remembered that long). An hour, as Okta allows and as
/// client libraries (Authlib) make them by default.
pub const MAX_ASSERTION_SECONDS: i64 = 3600;

/// The longest an authorization code of a FAPI 2.0 client lives (FAPI 2.0 §5.3.2.1).
pub const FAPI2_MAX_CODE_SECONDS: i64 = 60;

/// The endpoints (under `/v1/oauth/`) where clients authenticate, each an
/// acceptable `aud` of an assertion.
const AUTHENTICATING_ENDPOINTS: [&str; 4] = ["token", "par", "introspect", "revoke"];

/// What a client registered, as sent (absent: the default, or unchanged on a patch).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientPolicyDraft {
    /// `token_endpoint_auth_method`: `client_secret_basic`, `client_secret_post`,
    /// `private_key_jwt` or `none`.
    pub token_endpoint_auth_method: Option<String>,
    /// `token_endpoint_auth_signing_alg`: the one algorithm its assertions use.
    pub token_endpoint_auth_signing_alg: Option<String>,
    /// `require_pushed_authorization_requests` (RFC 9126 §6).
    pub require_pushed_authorization_requests: Option<bool>,
    /// `dpop_bound_access_tokens` (RFC 9449 §5.2).
    pub dpop_bound_access_tokens: Option<bool>,
    /// `fapi2`: the FAPI 2.0 Security Profile's baseline.
    pub fapi2: Option<bool>,
    /// `token_exchange`: what the client may exchange (RFC 8693); `Some(None)`
    /// removes the policy on a patch.
    pub token_exchange: Option<Option<ExchangePolicyDraft>>,
}

/// Which tokens a client may exchange, for which audiences and scopes, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExchangePolicyDraft {
    /// `audiences`: the APIs (absolute URIs) the new tokens may be for.
    pub audiences: Vec<String>,
    /// `scopes`: the scopes the new tokens may carry (at most the subject token's).
    pub scopes: Vec<String>,
    /// `subject_clients`: other clients of the tenant whose users' tokens it may
    /// exchange (its own always).
    pub subject_clients: Vec<String>,
    /// `impersonation`: whether it may exchange without an `actor_token` (the new
    /// token then shows no `act`). Default false: only delegation.
    pub impersonation: bool,
}

/// A client's validated exchange policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExchangePolicy {
    /// The audiences the new tokens may be for.
    pub audiences: Vec<String>,
    /// The scopes they may carry.
    pub scopes: Vec<String>,
    /// Other clients whose users' tokens it may exchange.
    pub subject_clients: Vec<crate::id::ClientId>,
    /// Whether it may exchange without an actor.
    pub impersonation: bool,
}

impl ExchangePolicy {
    /// Checks a draft: audiences absolute URIs without fragments (at most 20),
    /// scopes well-formed, subject clients client ids.
    pub fn validate(draft: &ExchangePolicyDraft) -> Result<Self, ValidationError> {
        const MAX: usize = 20;
        if draft.audiences.is_empty() || draft.audiences.len() > MAX {
            return Err(ValidationError::new("token_exchange.audiences", format!("name 1 to {MAX} audiences")));
        }
        let mut audiences = Vec::with_capacity(draft.audiences.len());
        for (i, raw) in draft.audiences.iter().enumerate() {
            let uri = crate::oauth::resource_indicator(raw)
                .map_err(|e| ValidationError::new(format!("token_exchange.audiences[{i}]"), e.description()))?;
            if !audiences.contains(&uri) {
                audiences.push(uri);
            }
        }
        let scopes = crate::scope::ScopeSet::from_tokens(draft.scopes.iter().map(String::as_str))
            .map_err(|e| ValidationError::new("token_exchange.scopes", e))?;
        if draft.subject_clients.len() > MAX {
            return Err(ValidationError::new("token_exchange.subject_clients", format!("at most {MAX} clients")));
        }
        let subject_clients = draft
            .subject_clients
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                crate::id::ClientId::parse(raw)
                    .map_err(|e| ValidationError::new(format!("token_exchange.subject_clients[{i}]"), e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            audiences,
            scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
            subject_clients,
            impersonation: draft.impersonation,
        })
    }

    /// This policy as a draft.
    pub fn draft(&self) -> ExchangePolicyDraft {
        ExchangePolicyDraft {
            audiences: self.audiences.clone(),
            scopes: self.scopes.clone(),
            subject_clients: self.subject_clients.iter().map(|c| c.as_str().to_owned()).collect(),
            impersonation: self.impersonation,
        }
    }
}

/// A client's validated policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientPolicy {
    auth_method: Option<TokenAuthMethod>,
    auth_alg: Option<RequestObjectAlg>,
    require_par: bool,
    dpop_bound: bool,
    fapi2: bool,
    exchange: Option<ExchangePolicy>,
}

/// What a tenant asks of all its clients.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TenantPolicy {
    /// Every authorization request must be pushed (RFC 9126).
    pub require_par: bool,
    /// Every client follows the FAPI 2.0 baseline (PAR, PKCE, `private_key_jwt`, DPoP).
    pub fapi2: bool,
}

impl ClientPolicy {
    /// Checks a draft for a client of `public` type with `keys`: `none` exactly for
    /// public clients, `private_key_jwt` only with a registered `jwks` or `jwks_uri`,
    /// a signing algorithm other than `none`, and `fapi2` only with `private_key_jwt`.
    pub fn validate(
        draft: &ClientPolicyDraft,
        public: bool,
        keys: &RequestObjectSettings,
    ) -> Result<Self, ValidationError> {
        const FIELD: &str = "token_endpoint_auth_method";
        let auth_method = match draft.token_endpoint_auth_method.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(TokenAuthMethod::parse(raw).ok_or_else(|| {
                ValidationError::new(
                    FIELD,
                    format!(
                        "`{raw}` is not supported: use client_secret_basic, client_secret_post, private_key_jwt or none"
                    ),
                )
            })?),
        };
        match (auth_method, public) {
            (Some(TokenAuthMethod::None), false) => {
                return Err(ValidationError::new(
                    FIELD,
                    "none is for public clients; a confidential client proves itself",
                ));
            }
            (Some(m), true) if m != TokenAuthMethod::None => {
                return Err(ValidationError::new(FIELD, "a public client has no credentials: use none"));
            }
            (Some(TokenAuthMethod::PrivateKeyJwt), _) if keys.jwks().is_none() && keys.jwks_uri().is_none() => {
                return Err(ValidationError::new(
                    FIELD,
                    "private_key_jwt needs the client's keys: register jwks or jwks_uri",
                ));
            }
            _ => {}
        }
        let auth_alg = match draft.token_endpoint_auth_signing_alg.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => {
                Some(RequestObjectAlg::parse(raw).filter(|a| *a != RequestObjectAlg::None).ok_or_else(|| {
                    ValidationError::new(
                        "token_endpoint_auth_signing_alg",
                        format!("`{raw}` is not offered: use RS256, PS256, ES256 or EdDSA"),
                    )
                })?)
            }
        };
        let fapi2 = draft.fapi2.unwrap_or(false);
        if fapi2 && auth_method != Some(TokenAuthMethod::PrivateKeyJwt) {
            return Err(ValidationError::new(
                "fapi2",
                "FAPI 2.0 clients authenticate with private_key_jwt: set token_endpoint_auth_method and register keys",
            ));
        }
        let exchange = match draft.token_exchange.as_ref().and_then(Option::as_ref) {
            Some(_) if public => {
                return Err(ValidationError::new("token_exchange", "a public client cannot exchange tokens"));
            }
            Some(policy) => Some(ExchangePolicy::validate(policy)?),
            None => None,
        };
        Ok(Self {
            auth_method,
            auth_alg,
            require_par: draft.require_pushed_authorization_requests.unwrap_or(false),
            dpop_bound: draft.dpop_bound_access_tokens.unwrap_or(false),
            fapi2,
            exchange,
        })
    }

    /// Restores a stored policy (validated when stored).
    pub fn from_stored(
        auth_method: Option<TokenAuthMethod>,
        auth_alg: Option<RequestObjectAlg>,
        require_par: bool,
        dpop_bound: bool,
        fapi2: bool,
        exchange: Option<ExchangePolicy>,
    ) -> Self {
        Self { auth_method, auth_alg, require_par, dpop_bound, fapi2, exchange }
    }

    /// This policy as a draft with `patch` laid over it.
    pub fn patched(&self, patch: &ClientPolicyDraft) -> ClientPolicyDraft {
        ClientPolicyDraft {
            token_endpoint_auth_method: patch
                .token_endpoint_auth_method
                .clone()
                .or_else(|| self.auth_method.map(|m| m.as_str().to_owned())),
            token_endpoint_auth_signing_alg: patch
                .token_endpoint_auth_signing_alg
                .clone()
                .or_else(|| self.auth_alg.map(|a| a.as_str().to_owned())),
            require_pushed_authorization_requests: patch
                .require_pushed_authorization_requests
                .or(Some(self.require_par)),
            dpop_bound_access_tokens: patch.dpop_bound_access_tokens.or(Some(self.dpop_bound)),
            fapi2: patch.fapi2.or(Some(self.fapi2)),
            token_exchange: patch
                .token_exchange
                .clone()
                .or_else(|| Some(self.exchange.as_ref().map(ExchangePolicy::draft))),
        }
    }

    /// The method the client registered, if it named one.
    pub fn registered_auth_method(&self) -> Option<TokenAuthMethod> {
        self.auth_method
    }
    /// The algorithm its assertions must use, if it named one.
    pub fn auth_alg(&self) -> Option<RequestObjectAlg> {
        self.auth_alg
    }
    /// Whether it asked that its authorization requests be pushed.
    pub fn require_par(&self) -> bool {
        self.require_par
    }
    /// Whether it asked that its access tokens be DPoP-bound.
    pub fn dpop_bound(&self) -> bool {
        self.dpop_bound
    }
    /// Whether it is flagged FAPI 2.0.
    pub fn fapi2(&self) -> bool {
        self.fapi2
    }
    /// What it may exchange (RFC 8693), if anything.
    pub fn exchange(&self) -> Option<&ExchangePolicy> {
        self.exchange.as_ref()
    }
}

/// The claims of a client assertion (RFC 7523 §3) whose signature verified.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssertionClaims {
    /// `iss`: the client.
    pub iss: Option<String>,
    /// `sub`: the client.
    pub sub: Option<String>,
    /// `aud`: one or several.
    pub aud: Vec<String>,
    /// `exp`.
    pub exp: Option<i64>,
    /// `iat`.
    pub iat: Option<i64>,
    /// `nbf`.
    pub nbf: Option<i64>,
    /// `jti`: used once.
    pub jti: Option<String>,
}

impl AssertionClaims {
    /// Checks the claims of `client_id`'s assertion presented to `issuer` (RFC 7523
    /// §3, OIDC Core §9, FAPI 2.0 §5.3.2.1): `iss` and `sub` the client; `aud` the
    /// issuer or one of its endpoints that take client authentication; `exp`
    /// present, not passed and at most [`MAX_ASSERTION_SECONDS`] away; `iat`/`nbf`
    /// not in the future; a `jti`. Answers the `jti` and until when to remember it.
    ///
    /// # Errors
    /// What is wrong, in words for the client.
    pub fn check<'a>(&'a self, client_id: &str, issuer: &str, now: UnixTime) -> Result<(&'a str, UnixTime), String> {
        if self.iss.as_deref() != Some(client_id) || self.sub.as_deref() != Some(client_id) {
            return Err("the assertion's iss and sub must both be the client_id".into());
        }
        let accepted = |a: &String| {
            let a = a.trim_end_matches('/');
            a == issuer
                || a.strip_prefix(issuer)
                    .and_then(|path| path.strip_prefix("/v1/oauth/"))
                    .is_some_and(|endpoint| AUTHENTICATING_ENDPOINTS.contains(&endpoint))
        };
        if !self.aud.iter().any(accepted) {
            return Err(format!("the assertion's aud must be the issuer ({issuer})"));
        }
        let Some(exp) = self.exp else { return Err("the assertion has no exp".into()) };
        if exp <= now.as_secs() {
            return Err("the assertion has expired".into());
        }
        if exp - now.as_secs() > MAX_ASSERTION_SECONDS {
            return Err(format!("the assertion lives too long: exp at most {MAX_ASSERTION_SECONDS} seconds ahead"));
        }
        if [self.iat, self.nbf].into_iter().flatten().any(|t| t - CLOCK_SKEW_SECONDS > now.as_secs()) {
            return Err("the assertion is not valid yet (iat or nbf in the future)".into());
        }
        let jti = self.jti.as_deref().filter(|j| !j.is_empty() && j.len() <= 256);
        let jti = jti.ok_or_else(|| "the assertion needs a jti (at most 256 characters)".to_owned())?;
        Ok((jti, UnixTime::from_secs(exp)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request_object::RequestObjectDraft;

    fn keys() -> RequestObjectSettings {
        RequestObjectSettings::validate(&RequestObjectDraft {
            jwks_uri: Some("https://app.example/jwks".into()),
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn the_method_fits_the_client_type_and_keys() {
        let draft = |m: &str| ClientPolicyDraft { token_endpoint_auth_method: Some(m.into()), ..Default::default() };
        assert!(ClientPolicy::validate(&draft("private_key_jwt"), false, &keys()).is_ok());
        for (d, public, keys) in [
            (draft("private_key_jwt"), false, RequestObjectSettings::default()),
            (draft("none"), false, keys()),
            (draft("client_secret_basic"), true, keys()),
            (draft("tls_client_auth"), false, keys()),
        ] {
            assert_eq!(ClientPolicy::validate(&d, public, &keys).unwrap_err().field, "token_endpoint_auth_method");
        }
        let fapi = ClientPolicyDraft { fapi2: Some(true), ..Default::default() };
        assert_eq!(ClientPolicy::validate(&fapi, false, &keys()).unwrap_err().field, "fapi2");
        let alg = ClientPolicyDraft { token_endpoint_auth_signing_alg: Some("none".into()), ..Default::default() };
        assert!(ClientPolicy::validate(&alg, false, &keys()).is_err());
    }

    #[test]
    fn an_assertion_names_the_client_this_issuer_and_a_short_life() {
        let now = UnixTime::from_secs(1_000);
        let good = AssertionClaims {
            iss: Some("qci_a".into()),
            sub: Some("qci_a".into()),
            aud: vec!["https://id.example/".into()],
            exp: Some(1_060),
            iat: Some(1_000),
            nbf: None,
            jti: Some("j1".into()),
        };
        assert_eq!(good.check("qci_a", "https://id.example", now), Ok(("j1", UnixTime::from_secs(1_060))));
        let token_aud = AssertionClaims { aud: vec!["https://id.example/v1/oauth/token".into()], ..good.clone() };
        assert!(token_aud.check("qci_a", "https://id.example", now).is_ok());
        let bad = [
            AssertionClaims { sub: Some("qci_b".into()), ..good.clone() },
            AssertionClaims { aud: vec!["https://other.example".into()], ..good.clone() },
            AssertionClaims { aud: vec!["https://id.example/v1/oauth/userinfo".into()], ..good.clone() },
            AssertionClaims { exp: None, ..good.clone() },
            AssertionClaims { exp: Some(999), ..good.clone() },
            AssertionClaims { exp: Some(1_000 + MAX_ASSERTION_SECONDS + 1), ..good.clone() },
            AssertionClaims { iat: Some(1_100), ..good.clone() },
            AssertionClaims { jti: None, ..good.clone() },
        ];
        for claims in bad {
            assert!(claims.check("qci_a", "https://id.example", now).is_err(), "{claims:?}");
        }
    }
}
