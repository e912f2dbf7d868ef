//! Request objects (RFC 9101, OIDC Core §6): authorization parameters in a JWT the
//! client signed with a key it registered (`jwks` or `jwks_uri`), passed by value
//! (`request`) or by reference (`request_uri`, one of the client's registered
//! `https` URLs). The parameters inside win over those beside it (RFC 9101 §6.3).

use crate::error::ValidationError;
use crate::oauth::{AuthorizeParams, OAuthError};
use crate::time::UnixTime;

/// Most `request_uris` one client may register.
const MAX_REQUEST_URIS: usize = 20;
/// How far a request object's `exp`/`nbf` may be off the server's clock.
const CLOCK_SKEW_SECONDS: i64 = 60;

/// An algorithm a request object may be signed with. The key decides; the token's
/// header must agree (never the other way round).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestObjectAlg {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// RSASSA-PSS with SHA-256.
    Ps256,
    /// ECDSA P-256 with SHA-256.
    Es256,
    /// Ed25519.
    EdDsa,
    /// Unsigned: only for a client that registered it explicitly.
    None,
}

impl RequestObjectAlg {
    /// Every algorithm, for discovery (`request_object_signing_alg_values_supported`).
    pub const ALL: [Self; 5] = [Self::Rs256, Self::Ps256, Self::Es256, Self::EdDsa, Self::None];

    /// Parses a JOSE algorithm name.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "RS256" => Some(Self::Rs256),
            "PS256" => Some(Self::Ps256),
            "ES256" => Some(Self::Es256),
            "EdDSA" => Some(Self::EdDsa),
            "none" => Some(Self::None),
            _ => None,
        }
    }

    /// The JOSE name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Ps256 => "PS256",
            Self::Es256 => "ES256",
            Self::EdDsa => "EdDSA",
            Self::None => "none",
        }
    }
}

/// What a client registered for request objects, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestObjectDraft {
    /// `jwks`: a JWK Set as JSON text.
    pub jwks: Option<String>,
    /// `jwks_uri`: an `https` URL of the client's JWK Set.
    pub jwks_uri: Option<String>,
    /// `request_uris`: `https` URLs it may pass as `request_uri`.
    pub request_uris: Option<Vec<String>>,
    /// `request_object_signing_alg`: the one algorithm its request objects use
    /// (`none` allows unsigned ones); absent: whatever its key's type says.
    pub request_object_signing_alg: Option<String>,
}

/// A client's validated request-object settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestObjectSettings {
    jwks: Option<String>,
    jwks_uri: Option<String>,
    request_uris: Vec<String>,
    alg: Option<RequestObjectAlg>,
}

fn https(field: &str, raw: &str) -> Result<String, ValidationError> {
    let invalid = || ValidationError::new(field, "must be an https URL without a fragment");
    let url = url::Url::parse(raw.trim()).map_err(|_| invalid())?;
    if url.scheme() != "https" || url.fragment().is_some() || raw.len() > 2000 {
        return Err(invalid());
    }
    Ok(url.into())
}

impl RequestObjectSettings {
    /// Checks a draft: `jwks` a JSON object text (its keys are read when used),
    /// `jwks_uri` and `request_uris` `https`, not both `jwks` and `jwks_uri`
    /// (RFC 7591 §2), a known algorithm.
    pub fn validate(draft: &RequestObjectDraft) -> Result<Self, ValidationError> {
        let jwks = draft.jwks.as_deref().map(str::trim).filter(|j| !j.is_empty()).map(str::to_owned);
        if jwks.as_deref().is_some_and(|j| !j.starts_with('{') || j.len() > 16 * 1024) {
            return Err(ValidationError::new("jwks", "must be a JSON Web Key Set object of at most 16 KiB"));
        }
        let jwks_uri = match draft.jwks_uri.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(raw) => Some(https("jwks_uri", raw)?),
            None => None,
        };
        if jwks.is_some() && jwks_uri.is_some() {
            return Err(ValidationError::new("jwks_uri", "register jwks or jwks_uri, not both (RFC 7591 §2)"));
        }
        let raw_uris = draft.request_uris.clone().unwrap_or_default();
        if raw_uris.len() > MAX_REQUEST_URIS {
            return Err(ValidationError::new("request_uris", format!("at most {MAX_REQUEST_URIS} URIs")));
        }
        let mut request_uris = Vec::with_capacity(raw_uris.len());
        for (i, raw) in raw_uris.iter().enumerate() {
            let uri = https(&format!("request_uris[{i}]"), raw)?;
            if !request_uris.contains(&uri) {
                request_uris.push(uri);
            }
        }
        let alg = match draft.request_object_signing_alg.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(RequestObjectAlg::parse(raw).ok_or_else(|| {
                ValidationError::new(
                    "request_object_signing_alg",
                    format!("`{raw}` is not offered: use RS256, PS256, ES256, EdDSA or none"),
                )
            })?),
        };
        Ok(Self { jwks, jwks_uri, request_uris, alg })
    }

    /// Restores stored settings (validated when stored).
    pub fn from_stored(
        jwks: Option<String>,
        jwks_uri: Option<String>,
        request_uris: Vec<String>,
        alg: Option<RequestObjectAlg>,
    ) -> Self {
        Self { jwks, jwks_uri, request_uris, alg }
    }

    /// These settings as a draft with `patch` laid over them (an empty value removes one).
    pub fn patched(&self, patch: RequestObjectDraft) -> RequestObjectDraft {
        RequestObjectDraft {
            jwks: patch.jwks.or_else(|| self.jwks.clone()),
            jwks_uri: patch.jwks_uri.or_else(|| self.jwks_uri.clone()),
            request_uris: patch.request_uris.or_else(|| Some(self.request_uris.clone())),
            request_object_signing_alg: patch
                .request_object_signing_alg
                .or_else(|| self.alg.map(|a| a.as_str().to_owned())),
        }
    }

    /// The registered JWK Set, as JSON text.
    pub fn jwks(&self) -> Option<&str> {
        self.jwks.as_deref()
    }
    /// The registered JWK Set's URL.
    pub fn jwks_uri(&self) -> Option<&str> {
        self.jwks_uri.as_deref()
    }
    /// The registered `request_uris`.
    pub fn request_uris(&self) -> &[String] {
        &self.request_uris
    }
    /// The registered algorithm, if one.
    pub fn alg(&self) -> Option<RequestObjectAlg> {
        self.alg
    }

    /// Whether `uri` (its fragment ignored) is one of the registered `request_uris`.
    pub fn allows_request_uri(&self, uri: &str) -> bool {
        let bare = uri.split('#').next().unwrap_or(uri);
        self.request_uris.iter().any(|r| r == bare)
    }
}

/// A verified request object's contents: the authorization parameters it holds
/// (only those it names are `Some`) and its JWT claims.
#[derive(Debug, Clone, Default)]
pub struct RequestObject {
    /// The parameters inside.
    pub params: AuthorizeParams,
    /// `iss`.
    pub iss: Option<String>,
    /// `aud` (one or several).
    pub aud: Vec<String>,
    /// `exp`.
    pub exp: Option<i64>,
    /// `nbf`.
    pub nbf: Option<i64>,
}

fn invalid_object(why: &str) -> OAuthError {
    OAuthError::InvalidRequestObject(why.to_owned())
}

impl RequestObject {
    /// Checks the object's claims for `client_id` at `issuer` (RFC 9101 §6.3, §10.2):
    /// a `client_id` inside equal to the one outside, `iss` (when present) the
    /// client, `aud` (when present) this issuer, not expired nor early; no
    /// `request` or `request_uri` inside.
    pub fn check(&self, client_id: &str, issuer: &str, now: UnixTime) -> Result<(), OAuthError> {
        if self.params.client_id.as_deref().is_some_and(|c| c != client_id) {
            return Err(invalid_object("its client_id is not the request's"));
        }
        if self.iss.as_deref().is_some_and(|i| i != client_id) {
            return Err(invalid_object("its iss must be the client_id"));
        }
        if !self.aud.is_empty() && !self.aud.iter().any(|a| a == issuer || a.trim_end_matches('/') == issuer) {
            return Err(invalid_object("its aud must be this issuer"));
        }
        if self.exp.is_some_and(|exp| exp + CLOCK_SKEW_SECONDS <= now.as_secs()) {
            return Err(invalid_object("it has expired"));
        }
        if self.nbf.is_some_and(|nbf| nbf - CLOCK_SKEW_SECONDS > now.as_secs()) {
            return Err(invalid_object("it is not valid yet"));
        }
        if self.params.request.is_some() || self.params.request_uri.is_some() {
            return Err(invalid_object("it may not hold request or request_uri"));
        }
        Ok(())
    }

    /// `outer` with the object's parameters laid over it (those inside win,
    /// RFC 9101 §6.3); `request` and `request_uri` are used up.
    pub fn merged_into(self, outer: AuthorizeParams) -> AuthorizeParams {
        let p = self.params;
        AuthorizeParams {
            response_type: p.response_type.or(outer.response_type),
            client_id: outer.client_id,
            redirect_uri: p.redirect_uri.or(outer.redirect_uri),
            scope: p.scope.or(outer.scope),
            state: p.state.or(outer.state),
            nonce: p.nonce.or(outer.nonce),
            code_challenge: p.code_challenge.or(outer.code_challenge),
            code_challenge_method: p.code_challenge_method.or(outer.code_challenge_method),
            prompt: p.prompt.or(outer.prompt),
            max_age: p.max_age.or(outer.max_age),
            login_hint: p.login_hint.or(outer.login_hint),
            id_token_hint: p.id_token_hint.or(outer.id_token_hint),
            response_mode: p.response_mode.or(outer.response_mode),
            acr_values: p.acr_values.or(outer.acr_values),
            request: None,
            request_uri: None,
            resources: if p.resources.is_empty() { outer.resources } else { p.resources },
            claims: p.claims.or(outer.claims),
            ui_locales: p.ui_locales.or(outer.ui_locales),
            pushed: outer.pushed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_need_https_one_key_source_and_a_known_algorithm() {
        let ok = RequestObjectSettings::validate(&RequestObjectDraft {
            jwks_uri: Some("https://app.example/jwks.json".into()),
            request_uris: Some(vec!["https://app.example/r/1".into()]),
            request_object_signing_alg: Some("PS256".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(ok.allows_request_uri("https://app.example/r/1#abc"));
        assert!(!ok.allows_request_uri("https://app.example/r/2"));
        for (draft, field) in [
            (RequestObjectDraft { jwks_uri: Some("http://a.example/j".into()), ..Default::default() }, "jwks_uri"),
            (
                RequestObjectDraft {
                    jwks: Some("{}".into()),
                    jwks_uri: Some("https://a.example/j".into()),
                    ..Default::default()
                },
                "jwks_uri",
            ),
            (RequestObjectDraft { jwks: Some("[1]".into()), ..Default::default() }, "jwks"),
            (
                RequestObjectDraft { request_uris: Some(vec!["http://a.example/r".into()]), ..Default::default() },
                "request_uris[0]",
            ),
            (
                RequestObjectDraft { request_object_signing_alg: Some("HS256".into()), ..Default::default() },
                "request_object_signing_alg",
            ),
        ] {
            assert_eq!(RequestObjectSettings::validate(&draft).unwrap_err().field, field);
        }
    }

    #[test]
    fn the_objects_parameters_win_and_its_claims_are_checked() {
        let outer = AuthorizeParams {
            client_id: Some("qci_c".into()),
            scope: Some("openid".into()),
            state: Some("outer".into()),
            request: Some("x.y.z".into()),
            ..Default::default()
        };
        let object = RequestObject {
            params: AuthorizeParams { state: Some("inner".into()), nonce: Some("n".into()), ..Default::default() },
            iss: Some("qci_c".into()),
            aud: vec!["https://id.example".into()],
            exp: Some(1000),
            nbf: None,
        };
        let now = UnixTime::from_secs(900);
        assert!(object.check("qci_c", "https://id.example", now).is_ok());
        assert!(object.check("qci_other", "https://id.example", now).is_err(), "iss is the client");
        assert!(object.check("qci_c", "https://elsewhere.example", now).is_err(), "aud is this issuer");
        assert!(object.check("qci_c", "https://id.example", UnixTime::from_secs(2000)).is_err(), "expired");
        let merged = object.merged_into(outer);
        assert_eq!(
            (merged.state.as_deref(), merged.scope.as_deref(), merged.nonce.as_deref(), merged.request),
            (Some("inner"), Some("openid"), Some("n"), None)
        );
    }
}
