//! Second factors, passkeys and federation in memory.

use super::{InMemoryStore, remove, replace};
use crate::error::StoreError;
use crate::federation::{FederatedLink, IdentityProvider, UpstreamFlow};
use crate::id::{CeremonyId, PasskeyId, ProviderId, TenantId, UserId};
use crate::mfa::TotpFactor;
use crate::passkey::{StoredCeremony, StoredPasskey};
use crate::ports::{FederationRepository, MfaRepository, PasskeyRepository};
use crate::secret::SecretHash;
use crate::time::UnixTime;

impl MfaRepository for InMemoryStore {
    async fn get_totp(&self, tenant: &TenantId, user: &UserId) -> Result<Option<TotpFactor>, StoreError> {
        Ok(self.tables().totp.iter().find(|f| &f.tenant_id == tenant && &f.user_id == user).cloned())
    }
    async fn start_totp(&self, factor: &TotpFactor) -> Result<bool, StoreError> {
        let mut t = self.tables();
        if t.totp.iter().any(|f| f.user_id == factor.user_id && f.confirmed_at.is_some()) {
            return Ok(false);
        }
        t.totp.retain(|f| f.user_id != factor.user_id);
        t.totp.push(TotpFactor { confirmed_at: None, ..factor.clone() });
        Ok(true)
    }
    async fn use_totp_step(
        &self,
        tenant: &TenantId,
        user: &UserId,
        step: i64,
        confirm_at: Option<UnixTime>,
    ) -> Result<bool, StoreError> {
        let mut t = self.tables();
        let Some(f) = t.totp.iter_mut().find(|f| &f.tenant_id == tenant && &f.user_id == user) else {
            return Ok(false);
        };
        if f.last_step >= step || f.confirmed_at.is_some() == confirm_at.is_some() {
            return Ok(false);
        }
        f.last_step = step;
        f.confirmed_at = f.confirmed_at.or(confirm_at);
        Ok(true)
    }
    async fn replace_recovery_codes(
        &self,
        tenant: &TenantId,
        user: &UserId,
        hashes: &[SecretHash],
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        t.recovery_codes.retain(|c| !(&c.0 == tenant && &c.1 == user));
        t.recovery_codes.extend(hashes.iter().map(|h| (tenant.clone(), user.clone(), *h, None)));
        Ok(())
    }
    async fn use_recovery_code(
        &self,
        tenant: &TenantId,
        user: &UserId,
        hash: &SecretHash,
        at: UnixTime,
    ) -> Result<bool, StoreError> {
        let mut t = self.tables();
        match t.recovery_codes.iter_mut().find(|c| &c.0 == tenant && &c.1 == user && &c.2 == hash && c.3.is_none()) {
            Some(code) => {
                code.3 = Some(at);
                Ok(true)
            }
            None => Ok(false),
        }
    }
    async fn recovery_codes_left(&self, tenant: &TenantId, user: &UserId) -> Result<u32, StoreError> {
        let t = self.tables();
        let left = t.recovery_codes.iter().filter(|c| &c.0 == tenant && &c.1 == user && c.3.is_none()).count();
        Ok(u32::try_from(left).unwrap_or(u32::MAX))
    }
    async fn delete_mfa(&self, tenant: &TenantId, user: &UserId) -> Result<bool, StoreError> {
        let mut t = self.tables();
        let before = t.totp.len() + t.recovery_codes.len();
        t.totp.retain(|f| !(&f.tenant_id == tenant && &f.user_id == user));
        t.recovery_codes.retain(|c| !(&c.0 == tenant && &c.1 == user));
        Ok(before != t.totp.len() + t.recovery_codes.len())
    }
}

impl PasskeyRepository for InMemoryStore {
    async fn insert_passkey(&self, passkey: &StoredPasskey) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.passkeys.iter().any(|p| p.credential_id == passkey.credential_id || p.id == passkey.id) {
            return Err(StoreError::Conflict("passkey already registered".into()));
        }
        t.passkeys.push(passkey.clone());
        Ok(())
    }
    async fn list_passkeys(&self, tenant: &TenantId, user: &UserId) -> Result<Vec<StoredPasskey>, StoreError> {
        let mut found: Vec<StoredPasskey> =
            self.tables().passkeys.iter().filter(|p| &p.tenant_id == tenant && &p.user_id == user).cloned().collect();
        found.sort_by_key(|p| (p.created_at, p.id.to_string()));
        Ok(found)
    }
    async fn find_passkey(&self, tenant: &TenantId, credential_id: &str) -> Result<Option<StoredPasskey>, StoreError> {
        let t = self.tables();
        Ok(t.passkeys.iter().find(|p| &p.tenant_id == tenant && p.credential_id == credential_id).cloned())
    }
    async fn record_passkey_use(&self, passkey: &StoredPasskey) -> Result<bool, StoreError> {
        let mut t = self.tables();
        Ok(replace(&mut t.passkeys, |p| p.id == passkey.id && p.tenant_id == passkey.tenant_id, passkey.clone()))
    }
    async fn rename_passkey(
        &self,
        tenant: &TenantId,
        user: &UserId,
        id: &PasskeyId,
        name: &str,
    ) -> Result<bool, StoreError> {
        let mut t = self.tables();
        match t.passkeys.iter_mut().find(|p| &p.tenant_id == tenant && &p.user_id == user && &p.id == id) {
            Some(p) => {
                name.clone_into(&mut p.name);
                Ok(true)
            }
            None => Ok(false),
        }
    }
    async fn delete_passkey(&self, tenant: &TenantId, user: &UserId, id: &PasskeyId) -> Result<bool, StoreError> {
        Ok(remove(&mut self.tables().passkeys, |p| &p.tenant_id == tenant && &p.user_id == user && &p.id == id))
    }
    async fn delete_passkeys(&self, tenant: &TenantId, user: &UserId) -> Result<u64, StoreError> {
        let passkeys = &mut self.tables().passkeys;
        let before = passkeys.len();
        passkeys.retain(|p| !(&p.tenant_id == tenant && &p.user_id == user));
        Ok((before - passkeys.len()) as u64)
    }
    async fn insert_ceremony(&self, ceremony: &StoredCeremony) -> Result<(), StoreError> {
        self.tables().ceremonies.push(ceremony.clone());
        Ok(())
    }
    async fn take_ceremony(&self, id: &CeremonyId) -> Result<Option<StoredCeremony>, StoreError> {
        let mut t = self.tables();
        let index = t.ceremonies.iter().position(|c| &c.id == id);
        Ok(index.map(|i| t.ceremonies.remove(i)))
    }
}

impl FederationRepository for InMemoryStore {
    async fn insert_provider(&self, provider: &IdentityProvider) -> Result<(), StoreError> {
        self.tables().providers.push(provider.clone());
        Ok(())
    }
    async fn get_provider(&self, tenant: &TenantId, id: &ProviderId) -> Result<Option<IdentityProvider>, StoreError> {
        Ok(self.tables().providers.iter().find(|p| &p.tenant_id == tenant && &p.id == id).cloned())
    }
    async fn list_providers(&self, tenant: &TenantId) -> Result<Vec<IdentityProvider>, StoreError> {
        Ok(self.tables().providers.iter().filter(|p| &p.tenant_id == tenant).cloned().collect())
    }
    async fn update_provider(&self, provider: &IdentityProvider) -> Result<bool, StoreError> {
        let mut t = self.tables();
        let Some(stored) = t.providers.iter_mut().find(|p| p.tenant_id == provider.tenant_id && p.id == provider.id)
        else {
            return Ok(false);
        };
        stored.name = provider.name.clone();
        stored.client_id = provider.client_id.clone();
        stored.sealed_client_secret = provider.sealed_client_secret.clone();
        stored.link_verified_email = provider.link_verified_email;
        Ok(true)
    }
    async fn delete_provider(&self, tenant: &TenantId, id: &ProviderId) -> Result<bool, StoreError> {
        let mut t = self.tables();
        t.links.retain(|l| &l.provider_id != id);
        Ok(remove(&mut t.providers, |p| &p.tenant_id == tenant && &p.id == id))
    }
    async fn find_link(&self, provider: &ProviderId, subject: &str) -> Result<Option<FederatedLink>, StoreError> {
        Ok(self.tables().links.iter().find(|l| &l.provider_id == provider && l.subject == subject).cloned())
    }
    async fn insert_link(&self, link: &FederatedLink) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.links.iter().any(|l| l.provider_id == link.provider_id && l.subject == link.subject) {
            return Err(StoreError::Conflict("linked already".into()));
        }
        t.links.push(link.clone());
        Ok(())
    }
    async fn list_links(&self, tenant: &TenantId, user: &UserId) -> Result<Vec<FederatedLink>, StoreError> {
        Ok(self.tables().links.iter().filter(|l| &l.tenant_id == tenant && &l.user_id == user).cloned().collect())
    }
    async fn delete_link(&self, tenant: &TenantId, user: &UserId, provider: &ProviderId) -> Result<bool, StoreError> {
        Ok(remove(&mut self.tables().links, |l| {
            &l.tenant_id == tenant && &l.user_id == user && &l.provider_id == provider
        }))
    }
    async fn insert_upstream_flow(&self, flow: &UpstreamFlow) -> Result<(), StoreError> {
        self.tables().upstream_flows.push(flow.clone());
        Ok(())
    }
    async fn take_upstream_flow(&self, state_hash: &SecretHash) -> Result<Option<UpstreamFlow>, StoreError> {
        let mut t = self.tables();
        let index = t.upstream_flows.iter().position(|f| &f.state_hash == state_hash);
        Ok(index.map(|i| t.upstream_flows.remove(i)))
    }
}
