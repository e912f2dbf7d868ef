//! The device authorization grant's browser side (RFC 8628 §3.1–§3.3): the device
//! asks for codes; the user enters the user code on the hosted `/device` page,
//! signs in and consents like any other request.

use std::net::IpAddr;

use super::Services;
use super::flow::{AuthorizeOutcome, FlowError};
use super::throttle::{self, Guard, OnSuccess, Verdict, source_key};
use crate::client::Client;
use crate::error::StoreError;
use crate::grant_type::GrantType;
use crate::oauth::{DeviceCode, DeviceStatus, OAuthError, ValidatedRequest};
use crate::ports::Store;
use crate::redirect_uri::RedirectUri;
use crate::scope::ScopeSet;
use crate::secret::{Secret, SecretHash};

/// Prefix of device codes.
const DEVICE_CODE_PREFIX: &str = "qdc_";
/// RFC 8628 §6.1: consonants only, no vowels (no words), no look-alikes.
const USER_CODE_ALPHABET: &[u8; 20] = b"BCDFGHJKLMNPQRSTVWXZ";
/// User-code length (without the dash): 20^8 ≈ 2^34.6 codes, with guessing throttled.
const USER_CODE_LENGTH: usize = 8;
/// Polling interval the device starts with.
const DEFAULT_INTERVAL: i64 = 5;

/// What `POST /v1/oauth/device/code` answers (RFC 8628 §3.2).
#[derive(Debug)]
pub struct DeviceAuthorization {
    /// For the device to poll with.
    pub device_code: Secret,
    /// For the user to type, `XXXX-XXXX`.
    pub user_code: String,
    /// Seconds until both expire.
    pub expires_in: i64,
    /// Seconds between polls.
    pub interval: i64,
}

/// `XXXXXXXX` shown as `XXXX-XXXX`.
pub fn format_user_code(code: &str) -> String {
    let (a, b) = code.split_at(code.len().min(4));
    format!("{a}-{b}")
}

/// What the user typed, made comparable: upper case, no dashes or spaces.
/// How a user code is stored: its SHA-256, never the code.
pub(crate) fn user_code_hash(normalised: &str) -> SecretHash {
    Secret::presented(normalised).hash()
}

fn normalise_user_code(typed: &str) -> String {
    typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

impl<S: Store> Services<S> {
    fn new_user_code(&self) -> String {
        let mut code = String::with_capacity(USER_CODE_LENGTH);
        while code.len() < USER_CODE_LENGTH {
            let mut byte = [0u8; 1];
            self.random.fill(&mut byte);
            // Rejection sampling keeps every letter equally likely (240 = 12 × 20).
            if byte[0] < 240 {
                code.push(char::from(USER_CODE_ALPHABET[usize::from(byte[0] % 20)]));
            }
        }
        code
    }

    /// Starts a device authorization for `client`.
    pub async fn authorize_device(
        &self,
        client: &Client,
        scope: Option<&str>,
    ) -> Result<DeviceAuthorization, OAuthError> {
        if !client.settings.grant_types().contains(&GrantType::DeviceCode) {
            return Err(OAuthError::UnauthorizedClient("this client may not use the device grant".into()));
        }
        let scope =
            ScopeSet::parse_delimited(scope.unwrap_or("")).map_err(|e| OAuthError::InvalidScope(e.to_string()))?;
        if let Some(extra) = scope.iter().find(|s| !client.settings.scopes().contains(s.as_str())) {
            return Err(OAuthError::InvalidScope(format!("this client may not request `{}`", extra.as_str())));
        }
        let now = self.clock.now();
        let lifetime = self.settings.lifetimes.device_code;
        for _ in 0..5 {
            let device_code = Secret::generate(DEVICE_CODE_PREFIX, self.random.as_ref());
            let user_code = self.new_user_code();
            let record = DeviceCode {
                device_code_hash: device_code.hash(),
                user_code_hash: user_code_hash(&user_code),
                tenant_id: client.tenant_id.clone(),
                client_id: client.id.clone(),
                scope: scope.clone(),
                interval: DEFAULT_INTERVAL,
                last_polled_at: None,
                status: DeviceStatus::Pending,
                user_id: None,
                session_id: None,
                auth_time: None,
                amr: Vec::new(),
                grant_id: None,
                created_at: now,
                expires_at: now.plus_secs(lifetime),
            };
            match self.store.insert_device_code(&record).await {
                Ok(()) => {
                    return Ok(DeviceAuthorization {
                        device_code,
                        user_code: format_user_code(&user_code),
                        expires_in: lifetime,
                        interval: DEFAULT_INTERVAL,
                    });
                }
                // A user-code collision: draw another.
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(OAuthError::ServerError("could not draw a free user code".into()))
    }

    /// The user typed a code on `/device`: continue to sign-in and consent for the
    /// device's client. Wrong codes count towards a throttle per source address and
    /// a deployment-wide ceiling.
    pub async fn verify_user_code(
        &self,
        typed: &str,
        browser: &Secret,
        session_cookie: Option<&Secret>,
        source: Option<IpAddr>,
    ) -> Result<AuthorizeOutcome, FlowError> {
        let now = self.clock.now();
        // RFC 8628 §5.1: keyed on what the caller cannot choose (its address, and a
        // deployment-wide ceiling), never on a cookie it can throw away.
        let guards = vec![
            Guard::new(
                format!("device-from:{}", source_key(source)),
                throttle::DEVICE_CODES_FROM_SOURCE,
                OnSuccess::Refund,
            ),
            Guard::new(
                "device-all".to_owned(),
                throttle::deployment_ceiling(self.settings.failed_sign_ins_per_minute),
                OnSuccess::Refund,
            ),
        ];
        let wanted = user_code_hash(&normalise_user_code(typed));
        let code = self
            .guarded(guards, async {
                match self.store.find_device_code_by_user_code(&wanted).await {
                    Ok(Some(c)) if c.status == DeviceStatus::Pending && c.expires_at > now => Verdict::Success(c),
                    Ok(_) => Verdict::Failure(FlowError::InvalidUserCode),
                    Err(e) => Verdict::Broken(e.into()),
                }
            })
            .await??;
        let request = ValidatedRequest {
            client_id: code.client_id.clone(),
            tenant_id: code.tenant_id.clone(),
            // Never used for a redirect: a device request ends on the /device page.
            redirect_uri: RedirectUri::from_stored(format!("{}/device", self.settings.issuer)),
            scope: code.scope.clone(),
            state: None,
            nonce: None,
            code_challenge: None,
            prompt: Default::default(),
            max_age: None,
            login_hint: None,
        };
        let session = self.usable_session(session_cookie, &request, now).await?;
        // Consent is always asked for a device (see `password_login`): the user must see
        // which app they let in.
        Ok(self.park(request, browser, session.as_ref(), now, Some(&code)).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_are_shown_with_a_dash_and_read_loosely() {
        assert_eq!(format_user_code("BCDFGHJK"), "BCDF-GHJK");
        assert_eq!(normalise_user_code(" bcdf-ghjk "), "BCDFGHJK");
    }
}
