//! Qeet ID's domain: the rules of an OpenID Connect provider and OAuth 2.0
//! authorization server, with no I/O.
//!
//! It holds the value types that are valid by construction ([`RedirectUri`],
//! [`CodeVerifier`], [`ScopeSet`], prefixed ids), the entities (tenants, users,
//! API keys, clients), the [`ports`] an adapter implements, and the use cases in
//! [`services`], one type per area: [`Admin`], [`Tokens`], [`Authorization`],
//! [`Passkeys`], [`Federation`] and [`SelfService`], each generic over only the
//! repositories it uses (for example [`ports::TokenStore`]) and holding only the
//! ports it needs. Time and randomness come in through the [`Clock`](ports::Clock)
//! and [`Random`](ports::Random) ports, with the settings, in a [`Context`].
//!
//! A Rust service can embed these rules directly, for example to check a
//! redirect URI and a PKCE exchange the way Qeet ID does:
//!
//! ```
//! use qeetid_domain::{ClientType, CodeChallenge, CodeVerifier, RedirectUri};
//!
//! // Registration: https anywhere, http only on loopback, no fragments.
//! let uri = RedirectUri::parse("https://app.acme.com/api/auth/callback", ClientType::Confidential)?;
//! assert!(uri.matches("https://app.acme.com/api/auth/callback"));
//! assert!(RedirectUri::parse("http://app.acme.com/cb", ClientType::Confidential).is_err());
//!
//! // PKCE S256 (RFC 7636 Appendix B).
//! let verifier = CodeVerifier::parse("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")?;
//! let challenge = CodeChallenge::parse("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Some("S256"))?;
//! assert!(challenge.is_answered_by(&verifier));
//! assert!(CodeChallenge::parse(verifier.as_str(), Some("plain")).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A whole provider without HTTP: `examples/embedded_provider.rs` composes
//! [`Admin`], [`Authorization`] and [`Tokens`] with in-memory ports (the `fakes` of
//! feature `test-support`; a service passes its own) and nothing else: no passkey,
//! social sign-in or account ports. It registers a client, runs an
//! authorization-code exchange with PKCE and checks the tokens:
//!
//! ```ignore
//! let cx = Context::new(clock, random, ProviderSettings::new("https://id.example"));
//! let admin = Admin::new(store.clone(), cx.clone(), passwords.clone());
//! let authorization = Authorization::new(store.clone(), cx.clone(), AuthorizationPorts { passwords, signer: signer.clone(), sealer });
//! let tokens = Tokens::new(store, cx, signer);
//! let registered = admin.register_client(&Caller::operator(), &tenant.id, draft).await?;
//! // … authorization.start_authorization, password_login, decide …
//! let issued = tokens.exchange_code(&client, &exchange).await?;
//! ```
//!
//! `cargo run -p qeetid-domain --example embedded_provider`
//! runs it (and `cargo xtask test` does, every time).

pub mod api_key;
pub mod audit;
pub mod branding;
pub mod client;
pub mod client_policy;
pub mod dpop;
pub mod error;
#[cfg(any(test, feature = "test-support"))]
pub mod fakes;
pub mod federation;
pub mod grant_type;
pub mod id;
pub mod locale;
pub mod logo;
pub mod logout;
pub mod mail;
pub mod mfa;
pub mod oauth;
pub mod outbound;
pub mod page;
pub mod passkey;
pub mod pkce;
pub mod ports;
mod random;
pub mod redirect_uri;
pub mod registration;
pub mod request_object;
pub mod scope;
pub mod secret;
pub mod seen_from;
pub mod services;
pub mod subject;
pub mod tenant;
pub mod tenant_slug;
pub mod text;
pub mod time;
pub mod user;

pub use api_key::{ApiKey, Caller, KeyScope};
pub use client::{
    Client, ClientDraft, ClientLifetimes, ClientPatch, ClientSecrets, ClientSettings, ClientType, StoredClientSettings,
};
pub use error::{AdminError, Problems, StoreError, ValidationError, both};
pub use grant_type::GrantType;
pub use id::{
    ApiKeyId, CeremonyId, ClientId, EventId, GrantId, InitialTokenId, PasskeyId, ProviderId, RefreshTokenId, RequestId,
    SessionId, TenantId, UserId,
};
pub use oauth::OAuthError;
pub use page::{Cursor, Page, PageRequest};
pub use pkce::{CodeChallenge, CodeVerifier};
pub use redirect_uri::RedirectUri;
pub use scope::{Scope, ScopeSet};
pub use secret::{Secret, SecretHash};
pub use services::{Admin, Authorization, Context, Federation, Passkeys, Registration, SelfService, Tokens};
pub use tenant::{DisplayName, KnownResource, Tenant};
pub use tenant_slug::TenantSlug;
pub use time::UnixTime;
pub use user::{AdminRole, Email, Password, PasswordHash, User};
