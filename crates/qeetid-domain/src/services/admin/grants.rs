//! Consent grants through the admin API: list, and revoke with their tokens.

use super::Admin;
use crate::api_key::Caller;
use crate::audit::{Actor, EventKind, NewEvent};
use crate::error::AdminError;
use crate::id::{GrantId, TenantId};
use crate::oauth::{ConsentGrant, GrantFilter};
use crate::page::{Cursor, Page, PageRequest};
use crate::ports::AdminStore;
use crate::services::audit;

impl<S: AdminStore> Admin<S> {
    /// Lists the tenant's grants, optionally for one user or client.
    pub async fn list_grants(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        filter: &GrantFilter,
        page: &PageRequest,
    ) -> Result<Page<ConsentGrant>, AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        let rows = self.store.list_grants(tenant, filter, page).await?;
        Ok(Page::from_fetched(rows, page, |g| Cursor { created_at: g.created_at, id: g.id.to_string() }))
    }

    /// The `sub` each grant's client sees for its user (the user's id, or the
    /// client's pairwise value, OIDC Core §8), in the order of `grants`: what an
    /// admin matches against a subject a client reports. Reads each distinct
    /// client once.
    pub async fn grant_subjects(&self, grants: &[ConsentGrant]) -> Result<Vec<String>, AdminError> {
        let mut clients: Vec<crate::client::Client> = Vec::new();
        for grant in grants {
            if !clients.iter().any(|c| c.id == grant.client_id)
                && let Some(client) = self.store.find_client(&grant.client_id).await?
            {
                clients.push(client);
            }
        }
        Ok(grants
            .iter()
            .map(|g| match clients.iter().find(|c| c.id == g.client_id) {
                Some(client) => self.cx.subject_of(client, &g.user_id),
                None => g.user_id.to_string(),
            })
            .collect())
    }

    /// What each grant names, for people: its user's e-mail and its client's name, in
    /// the order of `grants` (`None` for one deleted since). One query for the users and
    /// one for the clients.
    pub async fn grant_names(
        &self,
        tenant: &TenantId,
        grants: &[ConsentGrant],
    ) -> Result<Vec<(Option<String>, Option<String>)>, AdminError> {
        let named: Vec<_> = grants.iter().map(|g| (Some(g.user_id.clone()), Some(g.client_id.clone()))).collect();
        self.names_of(tenant, &named).await
    }

    /// What each audit event names, for people: its user's e-mail, its client's name,
    /// and the e-mail of the user or dashboard admin who acted (`user:`/`admin:` actors).
    pub async fn event_names(
        &self,
        tenant: &TenantId,
        events: &[crate::audit::AuditEvent],
    ) -> Result<Vec<(Option<String>, Option<String>, Option<String>)>, AdminError> {
        let named: Vec<_> = events
            .iter()
            .map(|e| (e.user_id.clone(), e.client_id.as_deref().and_then(|c| crate::id::ClientId::parse(c).ok())))
            .collect();
        let actors: Vec<_> = events
            .iter()
            .map(|e| {
                let id = e.actor.strip_prefix("user:").or_else(|| e.actor.strip_prefix("admin:"));
                (id.and_then(|i| crate::id::UserId::parse(i).ok()), None)
            })
            .collect();
        let subjects = self.names_of(tenant, &named).await?;
        let acting = self.names_of(tenant, &actors).await?;
        Ok(subjects.into_iter().zip(acting).map(|((user, client), (actor, _))| (user, client, actor)).collect())
    }

    /// The e-mails and client names of `(user, client)` pairs, in order: one query
    /// for the users and one for the clients.
    async fn names_of(
        &self,
        tenant: &TenantId,
        named: &[(Option<crate::id::UserId>, Option<crate::id::ClientId>)],
    ) -> Result<Vec<(Option<String>, Option<String>)>, AdminError> {
        let mut user_ids: Vec<crate::id::UserId> = named.iter().filter_map(|(u, _)| u.clone()).collect();
        user_ids.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        user_ids.dedup();
        let mut client_ids: Vec<crate::id::ClientId> = named.iter().filter_map(|(_, c)| c.clone()).collect();
        client_ids.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        client_ids.dedup();
        let emails = self.store.user_emails(tenant, &user_ids).await?;
        let clients = self.store.client_names(tenant, &client_ids).await?;
        Ok(named
            .iter()
            .map(|(user, client)| {
                let email = user
                    .as_ref()
                    .and_then(|u| emails.iter().find(|(id, _)| id == u))
                    .map(|(_, e)| e.as_str().to_owned());
                let name = client.as_ref().and_then(|c| clients.iter().find(|(id, _)| id == c)).map(|(_, n)| n.clone());
                (email, name)
            })
            .collect())
    }

    /// The id of the tenant's user with `email`, for filters people type (`None`
    /// when no user has it, or it is no e-mail).
    pub async fn user_id_by_email(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        email: &str,
    ) -> Result<Option<crate::id::UserId>, AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        let Ok(email) = crate::user::Email::parse(email) else { return Ok(None) };
        Ok(self.store.find_user_by_email(tenant, &email).await?.map(|u| u.id))
    }

    /// The token exchanges (RFC 8693) made for `user`, newest first.
    pub async fn list_token_exchanges(
        &self,
        caller: &Caller,
        tenant: &TenantId,
        user: &crate::id::UserId,
        page: &PageRequest,
    ) -> Result<Page<crate::oauth::TokenExchangeRecord>, AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        let rows = self.store.list_token_exchanges(tenant, user, page).await?;
        Ok(Page::from_fetched(rows, page, |r| Cursor { created_at: r.created_at, id: r.id.clone() }))
    }

    /// Revokes a grant: it is deleted, and every refresh token issued under it stops
    /// working. The user will be asked for consent again.
    pub async fn revoke_grant(&self, caller: &Caller, tenant: &TenantId, id: &GrantId) -> Result<(), AdminError> {
        self.reachable_tenant(caller, tenant).await?;
        let now = self.cx.clock.now();
        let grant = self.store.get_grant(tenant, id).await?;
        self.store.revoke_grant_tokens(tenant, id, now).await?;
        if !self.store.delete_grant(tenant, id, now).await? {
            return Err(AdminError::NotFound("grant"));
        }
        if let Some(grant) = grant {
            let event = NewEvent::new(tenant.clone(), EventKind::ConsentRevoked, Actor::Admin(caller.clone()))
                .user(&grant.user_id)
                .client(grant.client_id.as_str())
                .detail("grant", id.as_str());
            audit::record(&self.store, &self.cx, event).await;
        }
        Ok(())
    }
}
