//! Initial access tokens in memory.

use super::{InMemoryStore, remove};
use crate::error::StoreError;
use crate::id::{InitialTokenId, TenantId};
use crate::ports::InitialTokenRepository;
use crate::registration::InitialAccessToken;
use crate::secret::SecretHash;
use crate::time::UnixTime;

impl InitialTokenRepository for InMemoryStore {
    async fn insert_initial_token(&self, token: &InitialAccessToken) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.initial_tokens.iter().any(|x| x.id == token.id || x.token_hash == token.token_hash) {
            return Err(StoreError::Conflict("initial access token".into()));
        }
        t.initial_tokens.push(token.clone());
        Ok(())
    }
    async fn list_initial_tokens(&self, tenant: &TenantId) -> Result<Vec<InitialAccessToken>, StoreError> {
        let mut tokens: Vec<_> =
            self.tables().initial_tokens.iter().filter(|x| &x.tenant_id == tenant).cloned().collect();
        tokens.sort_by(|a, b| (b.created_at, b.id.as_str()).cmp(&(a.created_at, a.id.as_str())));
        Ok(tokens)
    }
    async fn delete_initial_token(&self, tenant: &TenantId, id: &InitialTokenId) -> Result<bool, StoreError> {
        Ok(remove(&mut self.tables().initial_tokens, |x| &x.tenant_id == tenant && &x.id == id))
    }
    async fn spend_initial_token(
        &self,
        hash: &SecretHash,
        now: UnixTime,
    ) -> Result<Option<InitialAccessToken>, StoreError> {
        let mut t = self.tables();
        let Some(token) = t.initial_tokens.iter_mut().find(|x| &x.token_hash == hash) else { return Ok(None) };
        let live = token.expires_at.is_none_or(|e| e > now) && token.uses_left.is_none_or(|n| n > 0);
        if !live {
            return Ok(None);
        }
        if let Some(n) = token.uses_left.as_mut() {
            *n -= 1;
        }
        Ok(Some(token.clone()))
    }
}
