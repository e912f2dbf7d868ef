//! Authenticator apps (TOTP) and recovery codes: enrolment (from the account, or at
//! sign-in when the tenant requires it) and checking a code or a recovery code,
//! shared by [`Authorization`](super::Authorization) and
//! [`SelfService`](super::SelfService). See `crate::mfa` for the codes themselves.

use std::sync::Arc;

use super::Context;
use super::authorization::FlowError;
use super::self_service::AccountError;
use crate::error::StoreError;
use crate::id::{TenantId, UserId};
use crate::mfa::{
    TotpFactor, is_recovery_code, legacy_recovery_code_hash, new_recovery_codes, new_totp_secret, otpauth_uri,
    recovery_code_hash, totp_seal_context, totp_step,
};
use crate::ports::{FactorStore, MfaRepository, PasskeyRepository, SecretSealer};
use crate::services::throttle::{self, Guard, OnSuccess, Verdict};
use crate::time::UnixTime;
use crate::user::User;

/// Why a second-factor step failed.
#[derive(Debug, thiserror::Error)]
pub enum MfaError {
    /// The user already has a confirmed authenticator (remove it first).
    #[error("an authenticator app is already set up")]
    AlreadyEnrolled,
    /// The user has no authenticator, or none waiting for confirmation.
    #[error("no authenticator app is set up")]
    NotEnrolled,
    /// Wrong, expired or already used code.
    #[error("that code is not right, or was already used; wait for the next one")]
    InvalidCode,
    /// Too many wrong codes.
    #[error("too many failed attempts; try again in {retry_after} seconds")]
    Throttled {
        /// Seconds to wait.
        retry_after: i64,
    },
    /// The sign-in is too old for this change: sign in again first.
    #[error("sign in again to change how you sign in")]
    ReauthenticationRequired,
    /// Infrastructure failed.
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<AccountError> for MfaError {
    fn from(err: AccountError) -> Self {
        match err {
            AccountError::ReauthenticationRequired => Self::ReauthenticationRequired,
            other => Self::Internal(Box::new(other)),
        }
    }
}

impl From<StoreError> for MfaError {
    fn from(err: StoreError) -> Self {
        Self::Internal(Box::new(err))
    }
}

impl From<MfaError> for FlowError {
    fn from(err: MfaError) -> Self {
        match err {
            MfaError::InvalidCode | MfaError::NotEnrolled => Self::InvalidCode,
            MfaError::Throttled { retry_after } => Self::Throttled { retry_after },
            MfaError::AlreadyEnrolled | MfaError::ReauthenticationRequired => Self::RequestNotFound,
            MfaError::Internal(e) => Self::Internal(e),
        }
    }
}

/// What an authenticator app needs to be set up: shown until a code confirms it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpEnrolment {
    /// The secret in base32, to type in.
    pub secret_base32: String,
    /// The `otpauth://` URI, to scan as a QR code.
    pub otpauth_uri: String,
}

/// A user's second factors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MfaStatus {
    /// When the authenticator app was confirmed, if there is one.
    pub totp_confirmed_at: Option<UnixTime>,
    /// An authenticator app waits for its first code.
    pub enrolment_pending: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
    /// Registered passkeys, oldest first.
    pub passkeys: Vec<crate::passkey::StoredPasskey>,
}

impl MfaStatus {
    /// Whether the user signs in with a second factor.
    pub fn enabled(&self) -> bool {
        self.totp_confirmed_at.is_some()
    }
}

/// Whether the user has a confirmed authenticator app (one query: what a sign-in
/// needs to know, without the recovery codes and passkeys of [`MfaStatus`]).
pub(crate) async fn totp_confirmed<S: FactorStore>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
) -> Result<bool, StoreError> {
    Ok(store.get_totp(tenant, user).await?.is_some_and(|f| f.confirmed_at.is_some()))
}

/// The user's second factors.
pub(crate) async fn mfa_status<S: MfaRepository + PasskeyRepository>(
    store: &S,
    tenant: &TenantId,
    user: &UserId,
) -> Result<MfaStatus, StoreError> {
    let factor = store.get_totp(tenant, user).await?;
    let recovery_codes_left = match &factor {
        Some(f) if f.confirmed_at.is_some() => store.recovery_codes_left(tenant, user).await?,
        _ => 0,
    };
    Ok(MfaStatus {
        totp_confirmed_at: factor.as_ref().and_then(|f| f.confirmed_at),
        enrolment_pending: factor.is_some_and(|f| f.confirmed_at.is_none()),
        recovery_codes_left,
        passkeys: store.list_passkeys(tenant, user).await?,
    })
}

/// The authenticator-app checks, over the store, the clock and the sealer that
/// keeps TOTP secrets.
#[derive(Clone)]
pub(crate) struct TotpCodes<S> {
    store: S,
    cx: Context,
    sealer: Arc<dyn SecretSealer>,
}

impl<S: FactorStore> TotpCodes<S> {
    /// The checks over `store`, `cx` and `sealer`.
    pub(crate) fn new(store: S, cx: Context, sealer: Arc<dyn SecretSealer>) -> Self {
        Self { store, cx, sealer }
    }

    /// Whether the user has a confirmed authenticator app.
    pub(crate) async fn totp_confirmed(&self, tenant: &TenantId, user: &UserId) -> Result<bool, StoreError> {
        totp_confirmed(&self.store, tenant, user).await
    }

    fn open_totp_secret(&self, factor: &TotpFactor) -> Result<Vec<u8>, MfaError> {
        self.sealer
            .open(&totp_seal_context(&factor.user_id), &factor.sealed_secret)
            .map_err(|e| MfaError::Internal(Box::new(e)))
    }

    /// The enrolment waiting for `user`'s first code, or a new one. The label in the
    /// app is the tenant's name and the user's e-mail.
    pub(crate) async fn begin_totp(&self, user: &User) -> Result<TotpEnrolment, MfaError> {
        let (tenant, id) = (&user.tenant_id, &user.id);
        let issuer =
            self.store.get_tenant(tenant).await?.map_or_else(|| "Qeet ID".to_owned(), |t| t.name.as_str().to_owned());
        let secret = match self.store.get_totp(tenant, id).await? {
            Some(f) if f.confirmed_at.is_some() => return Err(MfaError::AlreadyEnrolled),
            Some(waiting) => self.open_totp_secret(&waiting)?,
            None => {
                let secret = new_totp_secret(self.cx.random.as_ref());
                let sealed =
                    self.sealer.seal(&totp_seal_context(id), &secret).map_err(|e| MfaError::Internal(Box::new(e)))?;
                let factor = TotpFactor {
                    tenant_id: tenant.clone(),
                    user_id: id.clone(),
                    sealed_secret: sealed,
                    confirmed_at: None,
                    last_step: 0,
                    created_at: self.cx.clock.now(),
                };
                if !self.store.start_totp(&factor).await? {
                    return Err(MfaError::AlreadyEnrolled);
                }
                secret
            }
        };
        Ok(TotpEnrolment {
            secret_base32: crate::mfa::base32(&secret),
            otpauth_uri: otpauth_uri(&issuer, user.email.as_str(), &secret),
        })
    }

    /// Confirms the waiting enrolment with its first code and answers ten fresh
    /// recovery codes, to be shown once (only their hashes are kept).
    pub(crate) async fn confirm_totp(&self, user: &User, code: &str) -> Result<Vec<String>, MfaError> {
        let (tenant, id) = (&user.tenant_id, &user.id);
        let now = self.cx.clock.now();
        let factor =
            self.store.get_totp(tenant, id).await?.filter(|f| f.confirmed_at.is_none()).ok_or(MfaError::NotEnrolled)?;
        self.throttled(tenant, id, async {
            let secret = self.open_totp_secret(&factor)?;
            let step = totp_step(&secret, code, now).ok_or(MfaError::InvalidCode)?;
            if !self.store.use_totp_step(tenant, id, step, Some(now)).await? {
                return Err(MfaError::InvalidCode);
            }
            Ok(())
        })
        .await?;
        self.fresh_recovery_codes(tenant, id).await
    }

    pub(crate) async fn fresh_recovery_codes(&self, tenant: &TenantId, user: &UserId) -> Result<Vec<String>, MfaError> {
        let codes = new_recovery_codes(self.cx.random.as_ref());
        let hashes: Vec<_> = codes.iter().map(|c| recovery_code_hash(tenant, user, c)).collect();
        self.store.replace_recovery_codes(tenant, user, &hashes).await?;
        Ok(codes)
    }

    /// Checks a second factor of a user with a confirmed authenticator: a TOTP code
    /// (each time step accepted once) or an unused recovery code (spent).
    pub(crate) async fn check_second_factor(&self, user: &User, code: &str) -> Result<(), MfaError> {
        let (tenant, id) = (&user.tenant_id, &user.id);
        let now = self.cx.clock.now();
        let factor =
            self.store.get_totp(tenant, id).await?.filter(|f| f.confirmed_at.is_some()).ok_or(MfaError::NotEnrolled)?;
        self.throttled(tenant, id, async {
            if is_recovery_code(code) {
                let salted = recovery_code_hash(tenant, id, code);
                if self.store.use_recovery_code(tenant, id, &salted, now).await? {
                    return Ok(());
                }
                let legacy = legacy_recovery_code_hash(code);
                return match self.store.use_recovery_code(tenant, id, &legacy, now).await? {
                    true => Ok(()),
                    false => Err(MfaError::InvalidCode),
                };
            }
            let secret = self.open_totp_secret(&factor)?;
            let step = totp_step(&secret, code, now).ok_or(MfaError::InvalidCode)?;
            match self.store.use_totp_step(tenant, id, step, None).await? {
                true => Ok(()),
                false => Err(MfaError::InvalidCode),
            }
        })
        .await
    }

    /// Runs a code check under the per-user throttle, reserved before the check
    /// runs: five wrong codes are free, then each attempt waits twice as long as the
    /// last (a 6-digit code must not be guessable by trying them all).
    async fn throttled(
        &self,
        tenant: &TenantId,
        user: &UserId,
        check: impl Future<Output = Result<(), MfaError>>,
    ) -> Result<(), MfaError> {
        let guard = Guard::new(format!("mfa:{tenant}:{user}"), throttle::USER_CODES, OnSuccess::Clear);
        throttle::guarded(&self.store, self.cx.clock.as_ref(), vec![guard], async {
            match check.await {
                Ok(()) => Verdict::Success(()),
                Err(MfaError::InvalidCode) => Verdict::Failure(MfaError::InvalidCode),
                Err(other) => Verdict::Broken(other),
            }
        })
        .await
        .map_err(|e| match e {
            FlowError::Throttled { retry_after } => MfaError::Throttled { retry_after },
            other => MfaError::Internal(Box::new(other)),
        })?
    }
}
