//! Dynamic client registration (RFC 7591) admitted by an initial access token, and
//! the client's own management of its registration (RFC 7592) with the
//! registration access token it got. The settings obey the admin API's rules.

use std::net::IpAddr;

use super::Context;
use super::authorization::FlowError;
use super::open_registration::open_registration_tenant;
use super::throttle;
use crate::client::{
    CLIENT_SECRET_PREFIX, Client, ClientSecrets, ClientSettings, ClientType, RegisteredBy, SelfRegistration,
};
use crate::id::{ClientId, TenantId};
use crate::ports::RegistrationStore;
use crate::registration::{
    ClientRegistrationRequest, REGISTRATION_TOKEN_PREFIX, RegistrationError, check_open_registration,
};
use crate::secret::Secret;

/// Dynamic client registration and its management, over the store.
#[derive(Clone)]
pub struct Registration<S> {
    store: S,
    cx: Context,
}

/// A client that registered (or updated its registration), with what to show it once.
#[derive(Debug)]
pub struct SelfRegistered {
    /// The stored client.
    pub client: Client,
    /// Its secret, at registration of a confidential client; never on update.
    pub secret: Option<Secret>,
    /// The new registration access token (RFC 7592 §3); a new one on every update.
    pub registration_token: Secret,
}

impl<S: RegistrationStore> Registration<S> {
    /// Registration over `store`.
    pub fn new(store: S, cx: Context) -> Self {
        Self { store, cx }
    }

    /// Registers a client in the tenant of `initial_token` (RFC 7591 §3), or without
    /// one in the deployment's open-registration tenant, if it has one. The request is
    /// checked before the token is spent, so a refused request costs no use.
    ///
    /// # Errors
    /// [`RegistrationError::InvalidToken`] without a live initial access token;
    /// `invalid_redirect_uri` or `invalid_client_metadata` naming the field;
    /// [`RegistrationError::Throttled`] past open registration's rate.
    pub async fn register(
        &self,
        initial_token: Option<&str>,
        request: ClientRegistrationRequest,
        source: Option<IpAddr>,
    ) -> Result<SelfRegistered, RegistrationError> {
        let (draft, auth_method, metadata) = request.into_parts()?;
        let now = self.cx.clock.now();
        let (settings, tenant) = match initial_token {
            Some(presented) => {
                let settings = ClientSettings::validate(draft)?;
                self.cx.check_sector(&settings).await?;
                let token = self
                    .store
                    .spend_initial_token(&Secret::presented(presented).hash(), now)
                    .await?
                    .ok_or(RegistrationError::InvalidToken)?;
                (settings, token.tenant_id)
            }
            None => self.open_registration(draft, source).await?,
        };
        let secret = match settings.client_type() {
            ClientType::Confidential => Some(Secret::generate(CLIENT_SECRET_PREFIX, self.cx.random.as_ref())),
            ClientType::Public => None,
        };
        let registration_token = Secret::generate(REGISTRATION_TOKEN_PREFIX, self.cx.random.as_ref());
        let client = Client {
            tenant_policy: Default::default(),
            id: ClientId::generate(self.cx.random.as_ref()),
            tenant_id: tenant,
            settings,
            secrets: secret.as_ref().map(|s| ClientSecrets { current: s.hash(), previous: None }),
            created_at: now,
            updated_at: now,
            registration: Some(SelfRegistration {
                by: RegisteredBy::Request { access_token_hash: registration_token.hash() },
                auth_method,
                metadata,
            }),
        };
        self.store.insert_client(&client).await?;
        Ok(SelfRegistered { client, secret, registration_token })
    }

    /// A registration without an initial access token: only into the deployment's
    /// open-registration tenant, within open registration's limits, and at most ten
    /// an hour from one address before each waits longer.
    async fn open_registration(
        &self,
        draft: crate::client::ClientDraft,
        source: Option<IpAddr>,
    ) -> Result<(ClientSettings, TenantId), RegistrationError> {
        let tenant = open_registration_tenant(&self.store, &self.cx).await?.ok_or(RegistrationError::InvalidToken)?;
        check_open_registration(&draft)?;
        let settings = ClientSettings::validate(draft)?;
        self.cx.check_sector(&settings).await?;
        self.store.get_tenant(&tenant).await?.ok_or(RegistrationError::InvalidToken)?;
        throttle::count_open_registration(&self.store, self.cx.clock.as_ref(), source).await.map_err(|e| match e {
            FlowError::Throttled { retry_after } => RegistrationError::Throttled { retry_after },
            other => RegistrationError::Internal(Box::new(other)),
        })?;
        Ok((settings, tenant))
    }

    /// The client `client_id`, when `registration_token` is its registration access
    /// token (RFC 7592 §2.1). Unknown clients, clients made by an admin and wrong
    /// tokens are all [`RegistrationError::InvalidToken`]: nothing tells them apart.
    ///
    /// # Errors
    /// As said; `Internal` when the store fails.
    pub async fn read(&self, client_id: &str, registration_token: Option<&str>) -> Result<Client, RegistrationError> {
        let (Some(presented), Ok(id)) = (registration_token, ClientId::parse(client_id)) else {
            return Err(RegistrationError::InvalidToken);
        };
        let client = self.store.find_client(&id).await?.ok_or(RegistrationError::InvalidToken)?;
        let owns = client.registration.as_ref().is_some_and(|r| r.by.accepts_token(&Secret::presented(presented)));
        if owns { Ok(client) } else { Err(RegistrationError::InvalidToken) }
    }

    /// Replaces the client's registration with `request` (RFC 7592 §2.2): omitted
    /// values take their defaults again. The secret stays; the registration access
    /// token is replaced (the old one stops working). A client cannot switch between
    /// public and confidential.
    ///
    /// # Errors
    /// As [`Registration::read`] and [`Registration::register`].
    pub async fn update(
        &self,
        client_id: &str,
        registration_token: Option<&str>,
        request: ClientRegistrationRequest,
    ) -> Result<SelfRegistered, RegistrationError> {
        let mut client = self.read(client_id, registration_token).await?;
        let (draft, auth_method, metadata) = request.into_parts()?;
        let settings = ClientSettings::validate(draft)?;
        self.cx.check_sector(&settings).await?;
        if settings.client_type() != client.settings.client_type() {
            return Err(RegistrationError::InvalidMetadata(
                "token_endpoint_auth_method: a client cannot switch between public and confidential; register a new \
                 one"
                .to_owned(),
            ));
        }
        let registration_token = Secret::generate(REGISTRATION_TOKEN_PREFIX, self.cx.random.as_ref());
        client.settings = settings;
        client.updated_at = self.cx.clock.now();
        client.registration = Some(SelfRegistration {
            by: RegisteredBy::Request { access_token_hash: registration_token.hash() },
            auth_method,
            metadata,
        });
        if !self.store.update_client(&client).await? {
            return Err(RegistrationError::InvalidToken);
        }
        self.cx.client_cache.forget(&client.id);
        Ok(SelfRegistered { client, secret: None, registration_token })
    }

    /// Deletes the client (RFC 7592 §2.3): its grants and tokens go with it.
    ///
    /// # Errors
    /// As [`Registration::read`].
    pub async fn delete(&self, client_id: &str, registration_token: Option<&str>) -> Result<(), RegistrationError> {
        let client = self.read(client_id, registration_token).await?;
        self.store.delete_client(&client.tenant_id, &client.id).await?;
        self.cx.client_cache.forget(&client.id);
        Ok(())
    }
}
