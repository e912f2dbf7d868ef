//! The device authorization endpoint (RFC 8628 §3.1–§3.2): a device asks for a
//! device code and a user code. The user then enters the user code in a browser
//! (`Authorization::verify_user_code`), signs in and consents like any other request.

use super::Tokens;
use crate::client::Client;
use crate::error::StoreError;
use crate::grant_type::GrantType;
use crate::oauth::{DeviceCode, DeviceStatus, OAuthError};
use crate::ports::TokenStore;
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

pub(crate) fn normalise_user_code(typed: &str) -> String {
    typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

impl<S: TokenStore> Tokens<S> {
    fn new_user_code(&self) -> String {
        let mut code = String::with_capacity(USER_CODE_LENGTH);
        while code.len() < USER_CODE_LENGTH {
            let mut byte = [0u8; 1];
            self.cx.random.fill(&mut byte);
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
        let now = self.cx.clock.now();
        let lifetime = self.cx.settings.lifetimes.device_code;
        for _ in 0..5 {
            let device_code = Secret::generate(DEVICE_CODE_PREFIX, self.cx.random.as_ref());
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
