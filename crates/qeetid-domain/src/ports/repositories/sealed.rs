//! Values sealed under the deployment's key-encryption key, wherever they are
//! stored, so that a new key can re-seal them all; and the deployment's own sealed
//! values (which key seals the data, the root of derived secrets).

use std::future::Future;

use crate::error::StoreError;

/// A column that holds values sealed under the key-encryption key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SealedColumn {
    /// A signing key's private key (`signing_keys.sealed_private_key`), sealed for its `kid`.
    SigningKey,
    /// A user's TOTP secret (`user_totp.sealed_secret`), sealed for the user.
    Totp,
    /// An upstream identity provider's client secret (`identity_providers.sealed_client_secret`).
    ProviderSecret,
    /// A queued e-mail (`mail_outbox.sealed_message`), sealed for its id.
    Mail,
    /// A deployment value (`deployment_values`) whose name starts with
    /// [`SEALED_DEPLOYMENT_VALUE`], sealed for its name.
    Deployment,
}

impl SealedColumn {
    /// Every sealed column.
    pub const ALL: [Self; 5] = [Self::SigningKey, Self::Totp, Self::ProviderSecret, Self::Mail, Self::Deployment];

    /// The sealing context of the value of row `id` in this column: the same string
    /// the value was sealed for ([`crate::mfa::totp_seal_context`],
    /// [`crate::federation::provider_seal_context`], the key id, `deployment:<name>`).
    pub fn context(self, id: &str) -> String {
        match self {
            Self::SigningKey => id.to_owned(),
            Self::Totp => format!("totp:{id}"),
            Self::ProviderSecret => format!("idp:{id}"),
            Self::Mail => crate::mail::mail_seal_context(id),
            Self::Deployment => format!("deployment:{id}"),
        }
    }

    /// The table and column, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::SigningKey => "signing_keys.sealed_private_key",
            Self::Totp => "user_totp.sealed_secret",
            Self::ProviderSecret => "identity_providers.sealed_client_secret",
            Self::Mail => "mail_outbox.sealed_message",
            Self::Deployment => "deployment_values.sealed_value",
        }
    }
}

/// The prefix of the names of sealed deployment values (others hold plain text).
pub const SEALED_DEPLOYMENT_VALUE: &str = "sealed.";

/// One sealed value and where it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedValue {
    /// The column.
    pub column: SealedColumn,
    /// The row's key: a `kid`, a user id, a provider id, or a deployment value's name.
    pub id: String,
    /// The sealed text.
    pub sealed: String,
}

/// Every sealed value, for re-sealing under a new key-encryption key, and the
/// deployment's own sealed values. Not part of [`Store`](crate::ports::Store): only
/// the server's start-up and its key commands need it.
pub trait SealedDataRepository: Send + Sync {
    /// Every sealed value in `column` (of deployment values, those whose name starts
    /// with [`SEALED_DEPLOYMENT_VALUE`]).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn sealed_values(&self, column: SealedColumn) -> impl Future<Output = Result<Vec<SealedValue>, StoreError>> + Send;
    /// Replaces the value of row `id` in `column` by `new`, only if it still is `old`
    /// (compare-and-set: a value another instance changed meanwhile is left alone).
    /// `Ok(true)` when it was replaced.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn replace_sealed(
        &self,
        column: SealedColumn,
        id: &str,
        old: &str,
        new: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// The deployment value `name` (sealed or plain, as it was stored).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn deployment_value(&self, name: &str) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;
    /// Stores `value` as `name` unless a value is already there; answers the value
    /// that is stored afterwards (the one given, or the one another instance stored first).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn init_deployment_value(&self, name: &str, value: &str)
    -> impl Future<Output = Result<String, StoreError>> + Send;
    /// Stores `value` as `name`, replacing what was there.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database fails or does not answer in time.
    fn set_deployment_value(&self, name: &str, value: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::{ProviderId, UserId};

    #[test]
    fn contexts_are_the_ones_values_were_sealed_for() {
        let user = UserId::parse("usr_0123456789abcdefghijkl").expect("a user id");
        assert_eq!(SealedColumn::Totp.context(&user.to_string()), crate::mfa::totp_seal_context(&user));
        let provider = ProviderId::parse("idp_0123456789abcdefghijkl").expect("a provider id");
        assert_eq!(
            SealedColumn::ProviderSecret.context(&provider.to_string()),
            crate::federation::provider_seal_context(&provider)
        );
    }
}
