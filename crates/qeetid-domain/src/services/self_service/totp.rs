//! The user's own authenticator app and recovery codes, from their account.

use super::{AccountHolder, SelfService};
use crate::ports::SelfServiceStore;
use crate::services::totp::{MfaError, TotpEnrolment};

impl<S: SelfServiceStore> SelfService<S> {
    /// Account page: the authenticator app to set up (a waiting one is shown again).
    pub async fn account_start_totp(&self, me: &AccountHolder) -> Result<TotpEnrolment, MfaError> {
        self.cx.require_recent_sign_in(me)?;
        self.totp.begin_totp(&me.user).await
    }

    /// Account page: confirms the authenticator app; answers the recovery codes.
    pub async fn account_confirm_totp(&self, me: &AccountHolder, code: &str) -> Result<Vec<String>, MfaError> {
        self.cx.require_recent_sign_in(me)?;
        let codes = self.totp.confirm_totp(&me.user, code).await?;
        self.record_factor_change(me, "totp.added").await;
        Ok(codes)
    }

    /// Account page: turns two-step verification off, proven by a current code or a
    /// recovery code (a stolen session alone cannot weaken the account).
    pub async fn account_remove_totp(&self, me: &AccountHolder, code: &str) -> Result<(), MfaError> {
        self.cx.require_recent_sign_in(me)?;
        self.totp.check_second_factor(&me.user, code).await?;
        self.store.delete_mfa(&me.user.tenant_id, &me.user.id).await?;
        self.record_factor_change(me, "totp.removed").await;
        Ok(())
    }

    /// Account page: ten new recovery codes (the old ones stop working), proven by a
    /// current code.
    pub async fn account_new_recovery_codes(&self, me: &AccountHolder, code: &str) -> Result<Vec<String>, MfaError> {
        self.cx.require_recent_sign_in(me)?;
        self.totp.check_second_factor(&me.user, code).await?;
        let codes = self.totp.fresh_recovery_codes(&me.user.tenant_id, &me.user.id).await?;
        self.record_factor_change(me, "recovery_codes.renewed").await;
        Ok(codes)
    }
}
