//! Qeet ID's passkey adapter: the domain's
//! [`PasskeyCeremonies`](qeetid_domain::ports::PasskeyCeremonies) port over
//! `webauthn-rs` (attestation "none", user verification required, discoverable
//! sign-in). The relying party is the issuer: its host is the RP id and its origin
//! the only origin accepted. Ceremony state and credentials cross the port as JSON,
//! so the domain stores them without knowing their shape.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use qeetid_domain::passkey::{Ceremony, PasskeyAssertion, PasskeyError, PasskeyUser, RegisteredPasskey, UsedPasskey};
use qeetid_domain::ports::PasskeyCeremonies;
use webauthn_rs::prelude::{
    Credential, DiscoverableAuthentication, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

/// The issuer cannot be a WebAuthn relying party.
#[derive(Debug, thiserror::Error)]
#[error("passkeys cannot be offered for issuer {issuer}: {why}")]
pub struct SetupError {
    issuer: String,
    why: String,
}

/// WebAuthn ceremonies for one deployment.
pub struct WebauthnCeremonies {
    webauthn: Webauthn,
}

impl WebauthnCeremonies {
    /// The relying party of `issuer` (`https://id.example.com` → RP id
    /// `id.example.com`). Browsers allow WebAuthn on https origins and on `localhost`.
    pub fn for_issuer(issuer: &str) -> Result<Self, SetupError> {
        let fail = |why: String| SetupError { issuer: issuer.to_owned(), why };
        let origin = Url::parse(issuer).map_err(|e| fail(e.to_string()))?;
        let rp_id = origin.host_str().ok_or_else(|| fail("the issuer has no host".to_owned()))?.to_owned();
        let webauthn = WebauthnBuilder::new(&rp_id, &origin)
            .and_then(|b| b.rp_name("Qeet ID").build())
            .map_err(|e| fail(e.to_string()))?;
        Ok(Self { webauthn })
    }
}

/// Passkeys where the issuer cannot be a relying party (an IP address, say): every
/// ceremony is refused with the reason, and the rest of the server works.
pub struct PasskeysUnavailable(pub String);

impl PasskeyCeremonies for PasskeysUnavailable {
    fn start_registration(&self, _: &PasskeyUser, _: &[String]) -> Result<Ceremony, PasskeyError> {
        Err(PasskeyError::Rejected(self.0.clone()))
    }
    fn finish_registration(&self, _: &str, _: &str) -> Result<RegisteredPasskey, PasskeyError> {
        Err(PasskeyError::Rejected(self.0.clone()))
    }
    fn start_authentication(&self) -> Result<Ceremony, PasskeyError> {
        Err(PasskeyError::Rejected(self.0.clone()))
    }
    fn identify(&self, _: &str) -> Result<PasskeyAssertion, PasskeyError> {
        Err(PasskeyError::Rejected(self.0.clone()))
    }
    fn finish_authentication(&self, _: &str, _: &str, _: &str) -> Result<UsedPasskey, PasskeyError> {
        Err(PasskeyError::Rejected(self.0.clone()))
    }
}

/// The ceremonies for `issuer`, or, when it cannot be a relying party, ones that
/// refuse with the reason (logged by the caller).
pub fn ceremonies_for(issuer: &str) -> Result<Box<dyn PasskeyCeremonies>, (Box<dyn PasskeyCeremonies>, SetupError)> {
    match WebauthnCeremonies::for_issuer(issuer) {
        Ok(c) => Ok(Box::new(c)),
        Err(e) => Err((Box::new(PasskeysUnavailable(format!("passkeys are not available here: {e}"))), e)),
    }
}

fn rejected(e: impl std::fmt::Display) -> PasskeyError {
    PasskeyError::Rejected(e.to_string())
}

fn internal(e: impl std::fmt::Display) -> PasskeyError {
    PasskeyError::Internal(e.to_string())
}

fn to_json(value: &impl serde::Serialize) -> Result<String, PasskeyError> {
    serde_json::to_string(value).map_err(internal)
}

impl PasskeyCeremonies for WebauthnCeremonies {
    fn start_registration(&self, user: &PasskeyUser, exclude: &[String]) -> Result<Ceremony, PasskeyError> {
        let exclude = exclude
            .iter()
            .map(|stored| serde_json::from_str::<Passkey>(stored).map(|p| p.cred_id().clone()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(internal)?;
        let (options, state) = self
            .webauthn
            .start_passkey_registration(Uuid::from_bytes(user.handle), &user.name, &user.display_name, Some(exclude))
            .map_err(internal)?;
        Ok(Ceremony { options: to_json(&options)?, state: to_json(&state)? })
    }

    fn finish_registration(&self, state: &str, response: &str) -> Result<RegisteredPasskey, PasskeyError> {
        let state: PasskeyRegistration = serde_json::from_str(state).map_err(internal)?;
        let response: RegisterPublicKeyCredential = serde_json::from_str(response).map_err(rejected)?;
        let passkey = self.webauthn.finish_passkey_registration(&response, &state).map_err(rejected)?;
        let credential = Credential::from(passkey.clone());
        Ok(RegisteredPasskey {
            credential_id: URL_SAFE_NO_PAD.encode(passkey.cred_id()),
            credential: to_json(&passkey)?,
            backup_eligible: credential.backup_eligible,
            backup_state: credential.backup_state,
        })
    }

    fn start_authentication(&self) -> Result<Ceremony, PasskeyError> {
        let (options, state) = self.webauthn.start_discoverable_authentication().map_err(internal)?;
        Ok(Ceremony { options: to_json(&options)?, state: to_json(&state)? })
    }

    fn identify(&self, response: &str) -> Result<PasskeyAssertion, PasskeyError> {
        let response: PublicKeyCredential = serde_json::from_str(response).map_err(rejected)?;
        let (user, credential_id) = self.webauthn.identify_discoverable_authentication(&response).map_err(rejected)?;
        Ok(PasskeyAssertion {
            user_handle: user.as_bytes().to_vec(),
            credential_id: URL_SAFE_NO_PAD.encode(credential_id),
        })
    }

    fn finish_authentication(
        &self,
        state: &str,
        response: &str,
        credential: &str,
    ) -> Result<UsedPasskey, PasskeyError> {
        let state: DiscoverableAuthentication = serde_json::from_str(state).map_err(internal)?;
        let response: PublicKeyCredential = serde_json::from_str(response).map_err(rejected)?;
        let mut passkey: Passkey = serde_json::from_str(credential).map_err(internal)?;
        // Checks the signature, user verification, and (for authenticators that count)
        // that the counter went up: a clone would repeat it (WebAuthn §6.1.1).
        let result = self
            .webauthn
            .finish_discoverable_authentication_v2(&response, state, Credential::from(passkey.clone()))
            .map_err(rejected)?;
        passkey.update_credential(&result);
        let updated = Credential::from(passkey.clone());
        Ok(UsedPasskey {
            credential: to_json(&passkey)?,
            backup_eligible: updated.backup_eligible,
            backup_state: updated.backup_state,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issuer_is_the_relying_party_and_registration_asks_for_user_verification() {
        let ceremonies =
            WebauthnCeremonies::for_issuer("http://localhost:8080").expect("localhost is a secure context");
        let user = PasskeyUser { handle: [7; 16], name: "ada@example.com".into(), display_name: "Ada".into() };
        let ceremony = ceremonies.start_registration(&user, &[]).unwrap();
        let options: serde_json::Value = serde_json::from_str(&ceremony.options).unwrap();
        let public_key = &options["publicKey"];
        assert_eq!(public_key["rp"]["id"], "localhost");
        assert_eq!(public_key["authenticatorSelection"]["userVerification"], "required");
        assert_eq!(public_key["user"]["name"], "ada@example.com");
        assert!(public_key["challenge"].as_str().is_some_and(|c| c.len() >= 43), "a 32-byte challenge");
        // Garbage never verifies.
        assert!(matches!(ceremonies.finish_registration(&ceremony.state, "{}"), Err(PasskeyError::Rejected(_))));
        let sign_in = ceremonies.start_authentication().unwrap();
        assert!(matches!(ceremonies.identify("{\"id\":1}"), Err(PasskeyError::Rejected(_))));
        assert!(sign_in.options.contains("\"challenge\""));
        assert!(WebauthnCeremonies::for_issuer("not a url").is_err());
    }
}
