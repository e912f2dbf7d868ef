//! Social sign-in: upstream identity providers a tenant trusts (a generic OpenID
//! Connect provider found by its issuer, Google as a preset of it, and GitHub as a
//! plain OAuth 2.0 provider), the links between their accounts and ours, and the
//! state of a sign-in that is away at the provider.

use crate::error::ValidationError;
use crate::id::{ProviderId, RequestId, TenantId, UserId};
use crate::outbound::{OutboundPolicy, OutboundRefusal};
use crate::secret::SecretHash;
use crate::tenant::DisplayName;
use crate::time::UnixTime;

/// Google's issuer (OpenID Connect Discovery works there).
pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";
/// Seconds a sign-in may stay at the upstream provider.
pub const UPSTREAM_FLOW_SECONDS: i64 = 600;

/// What kind of provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    /// Any OpenID Connect provider, by issuer URL (endpoints discovered).
    Oidc,
    /// Google: OpenID Connect at [`GOOGLE_ISSUER`].
    Google,
    /// GitHub: OAuth 2.0 without ID tokens; the identity comes from its user API.
    Github,
}

impl ProviderKind {
    /// `oidc`, `google` or `github`, as stored and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Oidc => "oidc",
            Self::Google => "google",
            Self::Github => "github",
        }
    }

    /// The kind named `raw`.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw {
            "oidc" => Ok(Self::Oidc),
            "google" => Ok(Self::Google),
            "github" => Ok(Self::Github),
            _ => Err(ValidationError::new("kind", "must be `oidc`, `google` or `github`")),
        }
    }

    /// The scopes asked of the provider.
    pub fn scopes(self) -> &'static str {
        match self {
            Self::Oidc | Self::Google => "openid email profile",
            Self::Github => "read:user user:email",
        }
    }
}

/// An upstream provider a tenant trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityProvider {
    /// `idp_…`
    pub id: ProviderId,
    /// Owning tenant.
    pub tenant_id: TenantId,
    /// Which kind.
    pub kind: ProviderKind,
    /// The button's label ("Continue with …").
    pub name: DisplayName,
    /// The issuer (OpenID Connect kinds); `None` for GitHub.
    pub issuer: Option<String>,
    /// Our client id at the provider.
    pub client_id: String,
    /// Our client secret at the provider, sealed (it must be sent, so it cannot be hashed).
    pub sealed_client_secret: String,
    /// Whether a first sign-in may link to an existing user with the same e-mail,
    /// when the provider says the e-mail is verified.
    pub link_verified_email: bool,
    /// Created.
    pub created_at: UnixTime,
}

/// The sealing context of a provider's client secret.
pub fn provider_seal_context(id: &ProviderId) -> String {
    format!("idp:{id}")
}

/// An issuer URL for a generic provider, as `policy` allows outbound calls (https on
/// a public address, unless private networks are allowed); no query or fragment.
/// Answered without a trailing slash.
pub fn parse_issuer(raw: &str, policy: OutboundPolicy) -> Result<String, ValidationError> {
    let bad = |why: &str| ValidationError::new("issuer", why);
    let url = policy.check_url(raw.trim()).map_err(|refusal| match refusal {
        OutboundRefusal::Malformed => bad("must be an absolute URL such as https://login.example.com"),
        other => bad(&other.to_string()),
    })?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Where an OpenID Connect provider takes requests (from its discovery document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamEndpoints {
    /// `issuer` as the document states it.
    pub issuer: String,
    /// `authorization_endpoint`.
    pub authorization_endpoint: String,
    /// `token_endpoint`.
    pub token_endpoint: String,
    /// `jwks_uri` (`None` for GitHub).
    pub jwks_uri: Option<String>,
}

impl UpstreamEndpoints {
    /// GitHub's fixed endpoints.
    pub fn github() -> Self {
        Self {
            issuer: "https://github.com".to_owned(),
            authorization_endpoint: "https://github.com/login/oauth/authorize".to_owned(),
            token_endpoint: "https://github.com/login/oauth/access_token".to_owned(),
            jwks_uri: None,
        }
    }
}

/// A code to redeem at a provider's token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRedemption {
    /// The token endpoint.
    pub token_endpoint: String,
    /// Our client id there.
    pub client_id: String,
    /// Our client secret there.
    pub client_secret: String,
    /// The code.
    pub code: String,
    /// Our callback, as sent with the authorization request.
    pub redirect_uri: String,
    /// The PKCE verifier.
    pub code_verifier: String,
    /// Send the client's credentials in the body (`client_secret_post`, GitHub)
    /// rather than in `Authorization: Basic` (`client_secret_basic`, the default of
    /// OpenID Connect providers).
    pub secret_in_body: bool,
}

/// What the token endpoint answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamTokens {
    /// The ID token (OpenID Connect providers).
    pub id_token: Option<String>,
    /// The access token.
    pub access_token: String,
}

/// The claims of an upstream ID token whose signature checked out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpstreamClaims {
    /// `iss`.
    pub iss: Option<String>,
    /// `sub`.
    pub sub: Option<String>,
    /// `aud`.
    pub aud: Vec<String>,
    /// `azp`.
    pub azp: Option<String>,
    /// `exp`.
    pub exp: Option<i64>,
    /// `nonce`.
    pub nonce: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `email_verified`.
    pub email_verified: bool,
    /// `name`.
    pub name: Option<String>,
}

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamIdentity {
    /// The provider's stable id of the account (`sub`).
    pub subject: String,
    /// Its e-mail, if shared.
    pub email: Option<String>,
    /// Whether the provider verified that e-mail.
    pub email_verified: bool,
    /// Its display name.
    pub name: Option<String>,
}

/// A sign-in away at a provider: what the callback needs to finish it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamFlow {
    /// Hash of the `state` sent to the provider (the key on return).
    pub state_hash: SecretHash,
    /// The tenant.
    pub tenant_id: TenantId,
    /// The provider.
    pub provider_id: ProviderId,
    /// The pending request that continues once the user is back.
    pub request_id: RequestId,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier.
    pub code_verifier: String,
    /// When it stops being usable.
    pub expires_at: UnixTime,
}

/// A link between an account at a provider and one of our users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederatedLink {
    /// The provider.
    pub provider_id: ProviderId,
    /// The provider's subject.
    pub subject: String,
    /// Owning tenant.
    pub tenant_id: TenantId,
    /// Our user.
    pub user_id: UserId,
    /// Linked at.
    pub created_at: UnixTime,
}

/// An upstream provider could not be reached or answered badly.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UpstreamError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_must_be_https_on_public_addresses_unless_private_networks_are_allowed() {
        let strict = OutboundPolicy::default();
        let open = OutboundPolicy { allow_private_networks: true };
        assert_eq!(parse_issuer("https://login.example.com/", strict).unwrap(), "https://login.example.com");
        assert_eq!(parse_issuer("http://127.0.0.1:9000", open).unwrap(), "http://127.0.0.1:9000");
        assert!(parse_issuer("http://login.example.com", open).is_err(), "public hosts need https");
        for bad in [
            "http://login.example.com",
            "login.example.com",
            "https://x.example/?a=b",
            "http://127.0.0.1:9000",
            "https://127.0.0.1:9000",
            "https://[fd00::1]/",
            "https://169.254.169.254",
        ] {
            assert!(parse_issuer(bad, strict).is_err(), "{bad}");
        }
        assert_eq!(ProviderKind::parse("google").unwrap(), ProviderKind::Google);
        assert!(ProviderKind::parse("facebook").is_err());
    }
}
