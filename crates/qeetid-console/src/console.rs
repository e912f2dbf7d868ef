//! The admin dashboard's sign-in: a first-party app whose people are users holding
//! an [`AdminRole`].

use qeetid_domain::api_key::{Caller, KeyScope};
use qeetid_domain::client::Client;
use qeetid_domain::id::{SessionId, TenantId};
use qeetid_domain::ports::Store;
use qeetid_domain::secret::Secret;
use qeetid_domain::user::{AdminRole, User};

use crate::apps::FirstPartyApp;
use crate::sign_in::{AppSession, FirstParty, FirstPartyError};

/// A signed-in dashboard admin.
#[derive(Debug, Clone)]
pub struct ConsoleAdmin {
    /// Who.
    pub user: User,
    /// Their role.
    pub role: AdminRole,
    /// The single sign-on session the dashboard session rides on.
    pub session_id: SessionId,
}

impl ConsoleAdmin {
    /// The admin a signed-in user is, if their role (read afresh) makes them one.
    fn from_session(session: AppSession) -> Result<Self, FirstPartyError> {
        let role = session.user.admin_role.ok_or(FirstPartyError::NotAnAdmin)?;
        Ok(Self { user: session.user, role, session_id: session.session_id })
    }

    /// The caller the admin use cases see: the whole deployment for a deployment
    /// admin, the admin's own tenant otherwise.
    pub fn caller(&self) -> Caller {
        let scope = match self.role {
            AdminRole::Deployment => KeyScope::Deployment,
            AdminRole::Tenant => KeyScope::Tenant(self.user.tenant_id.clone()),
        };
        Caller::dashboard(scope, self.user.id.clone())
    }

    /// Whether the admin may manage `tenant`.
    pub fn reaches(&self, tenant: &TenantId) -> bool {
        self.role.reaches(&self.user.tenant_id, tenant)
    }
}

impl<S: Store> FirstParty<S> {
    /// Completes the dashboard's sign-in: the admin and the dashboard session token
    /// for its cookie; no token for a user without a role.
    pub async fn console_sign_in(
        &self,
        client: &Client,
        code: &str,
        redirect_uri: &str,
        code_verifier: &str,
    ) -> Result<(ConsoleAdmin, String), FirstPartyError> {
        let (session, token) =
            self.first_party_sign_in(FirstPartyApp::Dashboard, client, code, redirect_uri, code_verifier).await?;
        Ok((ConsoleAdmin::from_session(session)?, token))
    }

    /// The admin a dashboard request comes from (see [`FirstParty::app_session`]); the
    /// role is read afresh, so a role taken away takes effect at once.
    pub async fn console_admin(
        &self,
        token: &str,
        sso_cookie: Option<&Secret>,
    ) -> Result<ConsoleAdmin, FirstPartyError> {
        let (session, _) = self.app_session(FirstPartyApp::Dashboard, token, sso_cookie).await?;
        ConsoleAdmin::from_session(session)
    }
}
