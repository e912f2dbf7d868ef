//! Clients known by the URL of their metadata document
//! (draft-ietf-oauth-client-id-metadata-document): at the authorization request,
//! such a `client_id` is fetched (again once stale), checked, and kept as a public
//! client of the open-registration tenant, so codes, grants and tokens refer to it
//! like to any other client.

use std::net::IpAddr;

use super::Authorization;
use crate::client::{Client, ClientSettings, RegisteredBy, SelfRegistration};
use crate::error::StoreError;
use crate::id::ClientId;
use crate::oauth::OAuthError;
use crate::ports::AuthorizationStore;
use crate::services::authorization::FlowError;
use crate::services::open_registration::open_registration_tenant;
use crate::services::throttle;

/// What became of a `client_id` at the authorization request.
pub(super) enum Resolved {
    /// The client.
    Client(Box<Client>),
    /// No such client, or its document is unusable: an error page, never a redirect.
    Refused(OAuthError),
}

impl<S: AuthorizationStore> Authorization<S> {
    /// The client named `raw` at the authorization request: a stored one, or the one
    /// its metadata document describes when open registration is on.
    pub(super) async fn resolve_client(&self, raw: &str, source: Option<IpAddr>) -> Result<Resolved, OAuthError> {
        let unknown = || Resolved::Refused(OAuthError::InvalidClient("unknown client_id".into()));
        let Ok(id) = ClientId::parse(raw) else { return Ok(unknown()) };
        if !id.is_metadata_document() {
            let client = self.cx.client_cache.read_through(&self.store, &id, self.cx.clock.now()).await?;
            return Ok(client.map_or_else(unknown, |c| Resolved::Client(Box::new(c))));
        }
        let Some(documents) = &self.documents else { return Ok(unknown()) };
        let Some(tenant) = open_registration_tenant(&self.store, &self.cx).await? else { return Ok(unknown()) };
        let tenant = &tenant;
        let now = self.cx.clock.now();
        let stored = self.store.find_client(&id).await?;
        if let Some(client) = &stored {
            if &client.tenant_id != tenant {
                return Ok(unknown());
            }
            let fresh = matches!(
                client.registration.as_ref().map(|r| &r.by),
                Some(RegisteredBy::MetadataDocument { refresh_at }) if *refresh_at > now
            );
            if fresh {
                return Ok(Resolved::Client(Box::new(client.clone())));
            }
        }
        let document = match documents.fetch_client_document(id.as_str()).await {
            Ok(document) => document,
            Err(e) => {
                return Ok(Resolved::Refused(OAuthError::InvalidClient(format!(
                    "the client's metadata document could not be fetched: {e}"
                ))));
            }
        };
        let refresh_at = now.plus_secs(document.lifetime_seconds());
        let checked = document
            .into_parts(id.as_str())
            .and_then(|(draft, method, metadata)| Ok((ClientSettings::validate(draft)?, method, metadata)));
        let checked = match checked {
            Ok((settings, method, metadata)) => match self.cx.check_sector(&settings).await {
                Ok(()) => Ok((settings, method, metadata)),
                Err(e) => Err(crate::registration::RegistrationError::from(e)),
            },
            Err(e) => Err(e),
        };
        let (settings, auth_method, metadata) = match checked {
            Ok(parts) => parts,
            Err(e) => {
                return Ok(Resolved::Refused(OAuthError::InvalidClient(format!(
                    "the client's metadata document is not acceptable: {e}"
                ))));
            }
        };
        let registration =
            Some(SelfRegistration { by: RegisteredBy::MetadataDocument { refresh_at }, auth_method, metadata });
        match stored {
            Some(mut client) => {
                client.settings = settings;
                client.registration = registration;
                client.updated_at = now;
                self.store.update_client(&client).await?;
                self.cx.client_cache.forget(&client.id);
                Ok(Resolved::Client(Box::new(client)))
            }
            None => {
                // A new client is an open registration: it counts against the address.
                match throttle::count_open_registration(&self.store, self.cx.clock.as_ref(), source).await {
                    Ok(()) => {}
                    Err(FlowError::Throttled { retry_after }) => {
                        return Ok(Resolved::Refused(OAuthError::InvalidClient(format!(
                            "too many new clients from this address; try again in {retry_after} seconds"
                        ))));
                    }
                    Err(other) => return Err(OAuthError::ServerError(Box::new(other))),
                }
                let client = Client {
                    tenant_policy: Default::default(),
                    id,
                    tenant_id: tenant.clone(),
                    settings,
                    secrets: None,
                    created_at: now,
                    updated_at: now,
                    registration,
                };
                match self.store.insert_client(&client).await {
                    Ok(()) => Ok(Resolved::Client(Box::new(client))),
                    // Another request stored it first: use that one.
                    Err(StoreError::Conflict(_)) => Ok(self
                        .store
                        .find_client(&client.id)
                        .await?
                        .map_or_else(unknown, |c| Resolved::Client(Box::new(c)))),
                    Err(e) => Err(e.into()),
                }
            }
        }
    }
}
