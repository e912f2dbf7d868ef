//! OAuth 2.0 / OpenID Connect: the authorization request, sessions, codes,
//! consent grants, refresh tokens, signing keys and the token claim sets.

mod claims;
mod claims_request;
mod error;
mod pushed;
mod records;
mod request;
pub mod scopes;
mod signing_key;
mod token_request;
mod tokens;

pub use claims::{ClaimValue, Claims};
pub use claims_request::{ClaimTarget, ClaimsParameter, RequestedClaim, asks_for_acr, scope_releasing};
pub use error::OAuthError;
pub use pushed::{PUSHED_REQUEST_SECONDS, PUSHED_REQUEST_URI_PREFIX, PushedRequest, TokenExchangeRecord};
pub use records::{
    AuthorizationCode, CodeUse, ConsentGrant, DeviceCode, DeviceStatus, GrantFilter, RefreshToken, Session,
};
pub use request::{
    ACR_MFA, ACR_SINGLE_FACTOR, AuthorizeParams, MAX_RESOURCES, PendingRequest, Prompt, Resources, ResponseMode,
    StoredRequest, ValidatedRequest, acr_of, resolve_redirect_uri, resource_indicator,
};
pub use signing_key::{KeyPolicy, SigningAlg, SigningKeyRecord};
pub use token_request::{
    ACCESS_TOKEN_TYPE, ClientCredentialsRequest, CodeExchange, DEVICE_CODE_GRANT_TYPE, DevicePoll, ExchangeRequest,
    ID_TOKEN_TYPE, RefreshRequest, TOKEN_EXCHANGE_GRANT_TYPE, TokenRequest, TypedToken,
};
pub use tokens::{TokenLifetimes, VerifiedToken, at_hash};
