//! RFC 7591 client metadata on the wire, and the registration response (RFC 7591
//! §3.2.1, RFC 7592 §3).

use qeetid_domain::Client;
use qeetid_domain::client::ClientMetadata;
use qeetid_domain::client_policy::ClientPolicyDraft;
use qeetid_domain::logout::LogoutNoticesDraft;
use qeetid_domain::registration::{ClientDocument, ClientRegistrationRequest, RegistrationError, TokenAuthMethod};
use qeetid_domain::services::SelfRegistered;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The metadata a client sends. Unknown members are ignored (RFC 7591 §2).
#[derive(Debug, Deserialize)]
pub(crate) struct MetadataBody {
    #[serde(default)]
    redirect_uris: Vec<String>,
    token_endpoint_auth_method: Option<String>,
    grant_types: Option<Vec<String>>,
    response_types: Option<Vec<String>>,
    client_name: Option<String>,
    scope: Option<String>,
    #[serde(default)]
    post_logout_redirect_uris: Vec<String>,
    id_token_signed_response_alg: Option<String>,
    userinfo_signed_response_alg: Option<String>,
    backchannel_logout_uri: Option<String>,
    backchannel_logout_session_required: Option<bool>,
    frontchannel_logout_uri: Option<String>,
    frontchannel_logout_session_required: Option<bool>,
    subject_type: Option<String>,
    sector_identifier_uri: Option<String>,
    request_uris: Option<Vec<String>>,
    request_object_signing_alg: Option<String>,
    token_endpoint_auth_signing_alg: Option<String>,
    require_pushed_authorization_requests: Option<bool>,
    dpop_bound_access_tokens: Option<bool>,
    client_uri: Option<String>,
    logo_uri: Option<String>,
    tos_uri: Option<String>,
    policy_uri: Option<String>,
    #[serde(default)]
    contacts: Vec<String>,
    software_id: Option<String>,
    software_version: Option<String>,
    jwks_uri: Option<String>,
    jwks: Option<Value>,
    /// RFC 7592 §2.2: an update names the client it replaces.
    pub(crate) client_id: Option<String>,
    /// Never taken from a client; a metadata document holding it is refused.
    client_secret: Option<Value>,
    /// As `client_secret`.
    client_secret_expires_at: Option<Value>,
}

impl MetadataBody {
    /// The body of a request, or `invalid_client_metadata` naming what is wrong.
    pub(crate) fn parse(body: &[u8]) -> Result<Self, RegistrationError> {
        serde_json::from_slice(body).map_err(|e| RegistrationError::InvalidMetadata(format!("the body: {e}")))
    }
}

/// A client ID metadata document's JSON, read as client metadata (RFC 7591 §2
/// names), with `max_age` from its answer's caching headers.
///
/// # Errors
/// `invalid_client_metadata` naming what is wrong.
pub fn read_client_document(body: &[u8], max_age: Option<i64>) -> Result<ClientDocument, RegistrationError> {
    let body = MetadataBody::parse(body)?;
    let client_id = body.client_id.clone();
    let has_secret = body.client_secret.is_some() || body.client_secret_expires_at.is_some();
    Ok(ClientDocument { client_id, has_secret, request: ClientRegistrationRequest::try_from(body)?, max_age })
}

impl TryFrom<MetadataBody> for ClientRegistrationRequest {
    type Error = RegistrationError;
    fn try_from(b: MetadataBody) -> Result<Self, RegistrationError> {
        let jwks = match b.jwks {
            None => None,
            Some(Value::Object(keys)) => Some(Value::Object(keys).to_string()),
            Some(_) => {
                return Err(RegistrationError::InvalidMetadata("jwks: must be a JSON Web Key Set object".into()));
            }
        };
        Ok(Self {
            redirect_uris: b.redirect_uris,
            token_endpoint_auth_method: b.token_endpoint_auth_method,
            grant_types: b.grant_types,
            response_types: b.response_types,
            client_name: b.client_name,
            scope: b.scope,
            post_logout_redirect_uris: b.post_logout_redirect_uris,
            id_token_signed_response_alg: b.id_token_signed_response_alg,
            userinfo_signed_response_alg: b.userinfo_signed_response_alg,
            logout: LogoutNoticesDraft {
                backchannel_logout_uri: b.backchannel_logout_uri,
                backchannel_logout_session_required: b.backchannel_logout_session_required,
                frontchannel_logout_uri: b.frontchannel_logout_uri,
                frontchannel_logout_session_required: b.frontchannel_logout_session_required,
            },
            subject_type: b.subject_type,
            sector_identifier_uri: b.sector_identifier_uri,
            request_uris: b.request_uris,
            request_object_signing_alg: b.request_object_signing_alg,
            policy: ClientPolicyDraft {
                token_endpoint_auth_method: None,
                token_endpoint_auth_signing_alg: b.token_endpoint_auth_signing_alg,
                require_pushed_authorization_requests: b.require_pushed_authorization_requests,
                dpop_bound_access_tokens: b.dpop_bound_access_tokens,
                fapi2: None,
                token_exchange: None,
            },
            metadata: ClientMetadata {
                client_uri: b.client_uri,
                logo_uri: b.logo_uri,
                tos_uri: b.tos_uri,
                policy_uri: b.policy_uri,
                contacts: b.contacts,
                software_id: b.software_id,
                software_version: b.software_version,
                jwks_uri: b.jwks_uri,
                jwks,
            },
        })
    }
}

/// The registered metadata of `client`, with `registration_client_uri` on `issuer`.
pub(crate) fn client_information(client: &Client, issuer: &str) -> Value {
    let s = &client.settings;
    let method = s
        .policy()
        .registered_auth_method()
        .or(client.registration.as_ref().map(|r| r.auth_method))
        .unwrap_or(TokenAuthMethod::ClientSecretBasic);
    let grants: Vec<&str> = s.grant_types().iter().map(|g| g.as_str()).collect();
    let response_types: Vec<&str> = if grants.contains(&"authorization_code") { vec!["code"] } else { vec![] };
    let mut body = json!({
        "client_id": client.id.as_str(),
        "client_id_issued_at": client.created_at.as_secs(),
        "client_name": s.name(),
        "redirect_uris": s.redirect_uris().iter().map(|u| u.as_str()).collect::<Vec<_>>(),
        "post_logout_redirect_uris": s.post_logout_uris().iter().map(|u| u.as_str()).collect::<Vec<_>>(),
        "token_endpoint_auth_method": method.as_str(),
        "grant_types": grants,
        "response_types": response_types,
        "scope": s.scopes().to_delimited(),
        "id_token_signed_response_alg": s.id_token_alg().as_str(),
        "subject_type": s.subject_type().as_str(),
        "registration_client_uri": format!("{issuer}/v1/oauth/register/{}", client.id),
    });
    if let (Some(alg), Value::Object(object)) = (s.userinfo_alg(), &mut body) {
        object.insert("userinfo_signed_response_alg".to_owned(), Value::String(alg.as_str().to_owned()));
    }
    let logout = s.logout_notices();
    if let (Some(uri), Value::Object(object)) = (s.subject_type().sector_identifier_uri(), &mut body) {
        object.insert("sector_identifier_uri".to_owned(), Value::String(uri.to_owned()));
    }
    let objects = s.request_objects();
    if let Value::Object(object) = &mut body {
        if !objects.request_uris().is_empty() {
            object.insert("request_uris".to_owned(), json!(objects.request_uris()));
        }
        if let Some(alg) = objects.alg() {
            object.insert("request_object_signing_alg".to_owned(), Value::String(alg.as_str().to_owned()));
        }
        let policy = s.policy();
        if let Some(alg) = policy.auth_alg() {
            object.insert("token_endpoint_auth_signing_alg".to_owned(), Value::String(alg.as_str().to_owned()));
        }
        if policy.require_par() {
            object.insert("require_pushed_authorization_requests".to_owned(), Value::Bool(true));
        }
        if policy.dpop_bound() {
            object.insert("dpop_bound_access_tokens".to_owned(), Value::Bool(true));
        }
    }
    if let Value::Object(object) = &mut body {
        for (name, endpoint) in [("backchannel", &logout.backchannel), ("frontchannel", &logout.frontchannel)] {
            if let Some(endpoint) = endpoint {
                object.insert(format!("{name}_logout_uri"), Value::String(endpoint.uri().to_owned()));
                object.insert(format!("{name}_logout_session_required"), Value::Bool(endpoint.session_required()));
            }
        }
    }
    if let (Some(registration), Value::Object(object)) = (&client.registration, &mut body) {
        insert_metadata(object, &registration.metadata);
    }
    body
}

fn insert_metadata(object: &mut Map<String, Value>, m: &ClientMetadata) {
    let texts = [
        ("client_uri", &m.client_uri),
        ("logo_uri", &m.logo_uri),
        ("tos_uri", &m.tos_uri),
        ("policy_uri", &m.policy_uri),
        ("software_id", &m.software_id),
        ("software_version", &m.software_version),
        ("jwks_uri", &m.jwks_uri),
    ];
    for (key, value) in texts {
        if let Some(value) = value {
            object.insert(key.to_owned(), Value::String(value.clone()));
        }
    }
    if !m.contacts.is_empty() {
        object.insert("contacts".to_owned(), m.contacts.iter().cloned().map(Value::String).collect());
    }
    if let Some(jwks) = m.jwks.as_deref().and_then(|j| serde_json::from_str::<Value>(j).ok()) {
        object.insert("jwks".to_owned(), jwks);
    }
}

/// The answer to a registration or an update: the client information plus the
/// secrets shown once (RFC 7591 §3.2.1); no `client_secret` for a client that
/// authenticates with its keys (the secret would be refused).
pub(crate) fn registered(done: &SelfRegistered, issuer: &str) -> Value {
    let mut body = client_information(&done.client, issuer);
    let keyed = done.client.settings.auth_method() == TokenAuthMethod::PrivateKeyJwt;
    if let Value::Object(object) = &mut body {
        object.insert("registration_access_token".to_owned(), done.registration_token.expose().into());
        if let Some(secret) = done.secret.as_ref().filter(|_| !keyed) {
            object.insert("client_secret".to_owned(), secret.expose().into());
            // The secret does not expire (RFC 7591 §3.2.1: 0).
            object.insert("client_secret_expires_at".to_owned(), 0.into());
        }
    }
    body
}
