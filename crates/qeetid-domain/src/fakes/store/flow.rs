//! The flow's records in memory: pending requests, sessions, codes, grants,
//! refresh tokens, signing keys, throttles, the deny-list and device codes.

use super::{InMemoryStore, ThrottleRow, page_of, remove, replace};
use crate::error::StoreError;
use crate::id::{ClientId, GrantId, RefreshTokenId, RequestId, SessionId, TenantId, UserId};
use crate::oauth::{
    AuthorizationCode, CodeUse, ConsentGrant, DeviceCode, DeviceStatus, GrantFilter, PendingRequest, RefreshToken,
    Session, SigningAlg, SigningKeyRecord,
};
use crate::page::PageRequest;
use crate::ports::{
    AccessTokenDenyList, CodeRepository, DeviceCodeRepository, GrantRepository, PendingRequestRepository,
    RefreshTokenRepository, Reservation, SessionRepository, SigningKeyRepository, ThrottleRepository, ThrottleRule,
    TokenOrigin, UserRepository as _,
};
use crate::secret::SecretHash;
use crate::time::UnixTime;
use crate::user::User;

impl PendingRequestRepository for InMemoryStore {
    async fn insert_request(&self, request: &PendingRequest) -> Result<(), StoreError> {
        self.tables().requests.push(request.clone());
        Ok(())
    }
    async fn get_request(&self, id: &RequestId) -> Result<Option<PendingRequest>, StoreError> {
        Ok(self.tables().requests.iter().find(|r| &r.id == id).cloned())
    }
    async fn update_request(&self, request: &PendingRequest) -> Result<bool, StoreError> {
        Ok(replace(&mut self.tables().requests, |r| r.id == request.id, request.clone()))
    }
    async fn delete_request(&self, id: &RequestId) -> Result<bool, StoreError> {
        Ok(remove(&mut self.tables().requests, |r| &r.id == id))
    }
}

/// Removes the sessions `which` picks, queueing their back-channel logouts first.
fn end_sessions(t: &mut super::Tables, which: impl Fn(&Session) -> bool, now: UnixTime) -> u64 {
    let ended: Vec<SessionId> = t.sessions.iter().filter(|s| which(s)).map(|s| s.id.clone()).collect();
    super::logout::queue_session_logouts(t, &ended, now);
    t.sessions.retain(|s| !ended.contains(&s.id));
    ended.len() as u64
}

impl SessionRepository for InMemoryStore {
    async fn insert_session(&self, session: &Session) -> Result<(), StoreError> {
        self.tables().sessions.push(session.clone());
        Ok(())
    }
    async fn find_session(&self, hash: &SecretHash) -> Result<Option<Session>, StoreError> {
        Ok(self.tables().sessions.iter().find(|s| &s.token_hash == hash).cloned())
    }
    async fn delete_session(&self, id: &SessionId, now: UnixTime) -> Result<bool, StoreError> {
        let mut t = self.tables();
        let ended = end_sessions(&mut t, |s| &s.id == id, now);
        Ok(ended == 1)
    }
    async fn list_user_sessions(
        &self,
        tenant: &TenantId,
        user: &UserId,
        now: UnixTime,
        limit: i64,
    ) -> Result<Vec<Session>, StoreError> {
        let mut found: Vec<Session> = self
            .tables()
            .sessions
            .iter()
            .filter(|s| &s.tenant_id == tenant && &s.user_id == user && s.expires_at > now)
            .cloned()
            .collect();
        found.sort_by(|a, b| (b.created_at, b.id.as_str()).cmp(&(a.created_at, a.id.as_str())));
        found.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(found)
    }
    async fn delete_user_session(
        &self,
        tenant: &TenantId,
        user: &UserId,
        id: &SessionId,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let mut t = self.tables();
        Ok(end_sessions(&mut t, |s| &s.tenant_id == tenant && &s.user_id == user && &s.id == id, now) == 1)
    }
    async fn delete_user_sessions(
        &self,
        tenant: &TenantId,
        user: &UserId,
        keep: Option<&SessionId>,
        now: UnixTime,
    ) -> Result<u64, StoreError> {
        let mut t = self.tables();
        Ok(end_sessions(&mut t, |s| &s.tenant_id == tenant && &s.user_id == user && Some(&s.id) != keep, now))
    }
}

impl CodeRepository for InMemoryStore {
    async fn insert_code(&self, code: &AuthorizationCode) -> Result<(), StoreError> {
        let mut t = self.tables();
        t.codes.push((code.clone(), None));
        let known = t.session_clients.iter().any(|(s, c, ..)| s == &code.session_id && c == &code.client_id);
        if !known && t.sessions.iter().any(|s| s.id == code.session_id) {
            let row = (code.session_id.clone(), code.client_id.clone(), code.tenant_id.clone(), code.user_id.clone());
            t.session_clients.push(row);
        }
        Ok(())
    }
    async fn use_code(
        &self,
        hash: &SecretHash,
        now: UnixTime,
        access_jti: &str,
        access_expires_at: UnixTime,
    ) -> Result<CodeUse, StoreError> {
        let mut t = self.tables();
        Ok(match t.codes.iter_mut().find(|(c, _)| &c.code_hash == hash) {
            None => CodeUse::Unknown,
            Some((code, used @ None)) => {
                *used = Some(now);
                code.issued_access_token = Some((access_jti.to_owned(), access_expires_at));
                CodeUse::First(code.clone())
            }
            Some((code, Some(_))) => CodeUse::Replayed(code.clone()),
        })
    }
}

impl GrantRepository for InMemoryStore {
    async fn upsert_grant(&self, grant: &ConsentGrant) -> Result<ConsentGrant, StoreError> {
        let mut t = self.tables();
        let same = |g: &ConsentGrant| {
            g.tenant_id == grant.tenant_id && g.user_id == grant.user_id && g.client_id == grant.client_id
        };
        match t.grants.iter_mut().find(|g| same(g)) {
            Some(existing) => {
                existing.scopes = grant.scopes.clone();
                existing.remembered = grant.remembered;
                existing.updated_at = grant.updated_at;
                Ok(existing.clone())
            }
            None => {
                t.grants.push(grant.clone());
                Ok(grant.clone())
            }
        }
    }
    async fn find_grant(
        &self,
        tenant: &TenantId,
        user: &UserId,
        client: &ClientId,
    ) -> Result<Option<ConsentGrant>, StoreError> {
        let t = self.tables();
        Ok(t.grants.iter().find(|g| &g.tenant_id == tenant && &g.user_id == user && &g.client_id == client).cloned())
    }
    async fn get_grant(&self, tenant: &TenantId, id: &GrantId) -> Result<Option<ConsentGrant>, StoreError> {
        Ok(self.tables().grants.iter().find(|g| &g.tenant_id == tenant && &g.id == id).cloned())
    }
    async fn list_grants(
        &self,
        tenant: &TenantId,
        filter: &GrantFilter,
        page: &PageRequest,
    ) -> Result<Vec<ConsentGrant>, StoreError> {
        let t = self.tables();
        let rows = t.grants.iter().filter(|g| {
            &g.tenant_id == tenant
                && filter.user_id.as_ref().is_none_or(|u| u == &g.user_id)
                && filter.client_id.as_ref().is_none_or(|c| c == &g.client_id)
        });
        Ok(page_of(rows.cloned(), page, |x| (x.created_at, x.id.to_string())))
    }
    async fn delete_grant(&self, tenant: &TenantId, id: &GrantId, now: UnixTime) -> Result<bool, StoreError> {
        let mut t = self.tables();
        let Some(grant) = t.grants.iter().find(|g| &g.tenant_id == tenant && &g.id == id).cloned() else {
            return Ok(false);
        };
        super::logout::queue_grant_logout(&mut t, &grant, now);
        Ok(remove(&mut t.grants, |g| &g.id == id))
    }
}

impl RefreshTokenRepository for InMemoryStore {
    async fn insert_refresh_token(&self, token: &RefreshToken) -> Result<(), StoreError> {
        self.tables().refresh_tokens.push(token.clone());
        Ok(())
    }
    async fn find_refresh_token(&self, hash: &SecretHash) -> Result<Option<RefreshToken>, StoreError> {
        Ok(self.tables().refresh_tokens.iter().find(|r| &r.token_hash == hash).cloned())
    }
    async fn find_refresh_token_and_user(
        &self,
        hash: &SecretHash,
    ) -> Result<Option<(RefreshToken, Option<User>)>, StoreError> {
        let Some(token) = self.find_refresh_token(hash).await? else { return Ok(None) };
        let user = self.live_token_user(&TokenOrigin::of_refresh_token(&token)).await?;
        Ok(Some((token, user)))
    }
    async fn revoke_grant_tokens(&self, tenant: &TenantId, grant: &GrantId, now: UnixTime) -> Result<u64, StoreError> {
        Ok(revoke_where(&mut self.tables().refresh_tokens, now, |r| &r.tenant_id == tenant && &r.grant_id == grant))
    }
    async fn revoke_code_tokens(&self, code: &SecretHash, now: UnixTime) -> Result<u64, StoreError> {
        let mut t = self.tables();
        let families: Vec<RefreshTokenId> = t
            .refresh_tokens
            .iter()
            .filter(|r| r.origin_code.as_ref() == Some(code))
            .map(|r| r.family_id.clone())
            .collect();
        Ok(revoke_where(&mut t.refresh_tokens, now, |r| families.contains(&r.family_id)))
    }
    async fn replace_refresh_token(
        &self,
        old: &RefreshTokenId,
        successor: &RefreshToken,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let mut t = self.tables();
        match t.refresh_tokens.iter_mut().find(|r| &r.id == old && r.rotated_at.is_none() && r.revoked_at.is_none()) {
            Some(token) => {
                token.rotated_at = Some(now);
                t.refresh_tokens.push(successor.clone());
                Ok(true)
            }
            None => Ok(false),
        }
    }
    async fn revoke_family(&self, family: &RefreshTokenId, now: UnixTime) -> Result<u64, StoreError> {
        Ok(revoke_where(&mut self.tables().refresh_tokens, now, |r| &r.family_id == family))
    }
}

fn revoke_where(tokens: &mut [RefreshToken], now: UnixTime, matches: impl Fn(&RefreshToken) -> bool) -> u64 {
    let mut count = 0;
    for token in tokens.iter_mut().filter(|r| r.revoked_at.is_none() && matches(r)) {
        token.revoked_at = Some(now);
        count += 1;
    }
    count
}

impl SigningKeyRepository for InMemoryStore {
    async fn insert_signing_key(&self, key: &SigningKeyRecord) -> Result<(), StoreError> {
        self.tables().signing_keys.push(key.clone());
        Ok(())
    }
    async fn list_signing_keys(&self) -> Result<Vec<SigningKeyRecord>, StoreError> {
        Ok(self.tables().signing_keys.clone())
    }
    async fn retire_signing_keys(&self, alg: SigningAlg, except: &str, at: UnixTime) -> Result<u64, StoreError> {
        let mut t = self.tables();
        let mut count = 0;
        for key in t.signing_keys.iter_mut().filter(|k| k.alg == alg && k.kid != except && k.retired_at.is_none()) {
            key.retired_at = Some(at);
            count += 1;
        }
        Ok(count)
    }
}

impl ThrottleRepository for InMemoryStore {
    async fn reserve_attempt(&self, key: &str, rule: &ThrottleRule, now: UnixTime) -> Result<Reservation, StoreError> {
        let mut t = self.tables();
        let hold = now.plus_secs(rule.hold_seconds);
        let Some(row) = t.throttles.iter_mut().find(|r| r.key == key) else {
            let blocked_until = if rule.free <= 1 { hold } else { UnixTime::from_secs(0) };
            t.throttles.push(ThrottleRow { key: key.to_owned(), failures: 1, last: now, blocked_until });
            return Ok(Reservation::Granted { attempt: 1 });
        };
        if row.blocked_until > now {
            return Ok(Reservation::Blocked { until: row.blocked_until });
        }
        row.failures = if row.last.plus_secs(rule.window_seconds) <= now { 1 } else { row.failures + 1 };
        row.last = now;
        if row.failures >= rule.free {
            row.blocked_until = hold;
        }
        Ok(Reservation::Granted { attempt: row.failures })
    }
    async fn block_until(&self, key: &str, until: UnixTime) -> Result<(), StoreError> {
        if let Some(row) = self.tables().throttles.iter_mut().find(|r| r.key == key) {
            row.blocked_until = until;
        }
        Ok(())
    }
    async fn refund_attempt(&self, key: &str, now: UnixTime) -> Result<(), StoreError> {
        if let Some(row) = self.tables().throttles.iter_mut().find(|r| r.key == key && r.failures > 0) {
            row.failures -= 1;
            row.blocked_until = now;
        }
        Ok(())
    }
    async fn clear_failures(&self, key: &str) -> Result<(), StoreError> {
        self.tables().throttles.retain(|r| r.key != key);
        Ok(())
    }
}

impl AccessTokenDenyList for InMemoryStore {
    async fn deny_access_token(&self, jti: &str, expires_at: UnixTime) -> Result<(), StoreError> {
        let mut t = self.tables();
        if !t.denied_jtis.iter().any(|(j, _)| j == jti) {
            t.denied_jtis.push((jti.to_owned(), expires_at));
        }
        Ok(())
    }
    async fn is_access_token_denied(&self, jti: &str) -> Result<bool, StoreError> {
        Ok(self.tables().denied_jtis.iter().any(|(j, _)| j == jti))
    }
    async fn is_client_token_live(&self, tenant: &TenantId, client: &ClientId, jti: &str) -> Result<bool, StoreError> {
        let t = self.tables();
        let exists = t.clients.iter().any(|c| &c.id == client && &c.tenant_id == tenant);
        Ok(exists && !t.denied_jtis.iter().any(|(j, _)| j == jti))
    }
}

impl DeviceCodeRepository for InMemoryStore {
    async fn insert_device_code(&self, code: &DeviceCode) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.device_codes
            .iter()
            .any(|c| c.user_code_hash == code.user_code_hash || c.device_code_hash == code.device_code_hash)
        {
            return Err(StoreError::Conflict("user code".into()));
        }
        t.device_codes.push(code.clone());
        Ok(())
    }
    async fn find_device_code(&self, hash: &SecretHash) -> Result<Option<DeviceCode>, StoreError> {
        Ok(self.tables().device_codes.iter().find(|c| &c.device_code_hash == hash).cloned())
    }
    async fn find_device_code_by_user_code(&self, hash: &SecretHash) -> Result<Option<DeviceCode>, StoreError> {
        Ok(self.tables().device_codes.iter().find(|c| &c.user_code_hash == hash).cloned())
    }
    async fn update_device_code(&self, code: &DeviceCode) -> Result<bool, StoreError> {
        Ok(replace(&mut self.tables().device_codes, |c| c.device_code_hash == code.device_code_hash, code.clone()))
    }
    async fn use_device_code(&self, hash: &SecretHash) -> Result<bool, StoreError> {
        let mut t = self.tables();
        match t.device_codes.iter_mut().find(|c| &c.device_code_hash == hash && c.status == DeviceStatus::Approved) {
            Some(code) => {
                code.status = DeviceStatus::Used;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

impl crate::ports::PushedRequestRepository for InMemoryStore {
    async fn insert_pushed_request(&self, request: &crate::oauth::PushedRequest) -> Result<(), StoreError> {
        self.tables().pushed_requests.push(request.clone());
        Ok(())
    }

    async fn take_pushed_request(
        &self,
        id_hash: &SecretHash,
        now: UnixTime,
    ) -> Result<Option<crate::oauth::PushedRequest>, StoreError> {
        let mut t = self.tables();
        let Some(i) = t.pushed_requests.iter().position(|p| &p.id_hash == id_hash) else { return Ok(None) };
        let taken = t.pushed_requests.swap_remove(i);
        Ok((taken.expires_at > now).then_some(taken))
    }
}

impl crate::ports::ReplayGuard for InMemoryStore {
    async fn spend_once(&self, key: &str, expires_at: UnixTime) -> Result<bool, StoreError> {
        let mut t = self.tables();
        if t.spent_jtis.iter().any(|(k, _)| k == key) {
            return Ok(false);
        }
        t.spent_jtis.push((key.to_owned(), expires_at));
        Ok(true)
    }
}

impl crate::ports::TokenExchangeLog for InMemoryStore {
    async fn record_token_exchange(&self, record: &crate::oauth::TokenExchangeRecord) -> Result<(), StoreError> {
        self.tables().token_exchanges.push(record.clone());
        Ok(())
    }

    async fn list_token_exchanges(
        &self,
        tenant: &TenantId,
        user: &UserId,
        page: &PageRequest,
    ) -> Result<Vec<crate::oauth::TokenExchangeRecord>, StoreError> {
        let t = self.tables();
        let mine = t.token_exchanges.iter().filter(|r| &r.tenant_id == tenant && &r.user_id == user).cloned();
        Ok(page_of(mine, page, |r| (r.created_at, r.id.clone())))
    }
}
