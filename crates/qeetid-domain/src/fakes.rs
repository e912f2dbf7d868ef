//! In-memory fakes of every port, for unit tests of the domain and of code built
//! on it (feature `test-support`). They follow the port contracts; the store
//! contract suite in `qeetid-store` holds the real adapters to the same rules.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::api_key::{ApiKey, KeyScope};
use crate::client::Client;
use crate::error::StoreError;
use crate::federation::{
    CodeRedemption, FederatedLink, IdentityProvider, UpstreamClaims, UpstreamEndpoints, UpstreamError, UpstreamFlow,
    UpstreamIdentity, UpstreamTokens,
};
use crate::id::{
    ApiKeyId, CeremonyId, ClientId, GrantId, PasskeyId, ProviderId, RefreshTokenId, RequestId, SessionId, TenantId,
    UserId,
};
use crate::mfa::TotpFactor;
use crate::oauth::{
    AuthorizationCode, ClaimValue, Claims, CodeUse, ConsentGrant, DeviceCode, DeviceStatus, GrantFilter,
    PendingRequest, RefreshToken, Session, SigningKeyRecord, VerifiedToken,
};
use crate::page::PageRequest;
use crate::passkey::{
    Ceremony, PasskeyAssertion, PasskeyError, PasskeyUser, RegisteredPasskey, StoredCeremony, StoredPasskey,
    UsedPasskey,
};
use crate::ports::{
    AccessTokenDenyList, ApiKeyRepository, BoxFuture, ClientRepository, Clock, CodeRepository, DeviceCodeRepository,
    FederationRepository, GrantRepository, Housekeeping, MfaRepository, PasskeyCeremonies, PasskeyRepository,
    PasswordHashError, PasswordHasher, PendingRequestRepository, Random, RefreshTokenRepository, Reservation,
    SealError, SecretSealer, SessionRepository, SigningError, SigningKeyRepository, Store, TenantRepository,
    ThrottleRepository, ThrottleRule, TokenOrigin, TokenSigner, UpstreamClient, UpstreamTokenVerifier, UserRepository,
};
use crate::secret::SecretHash;
use crate::tenant::Tenant;
use crate::time::UnixTime;
use crate::user::{Email, Password, PasswordHash, User};

/// A clock that says what it is told.
#[derive(Debug, Default)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    /// A clock stopped at `secs`.
    pub fn at(secs: i64) -> Self {
        Self(AtomicI64::new(secs))
    }
    /// Moves the clock forward.
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> UnixTime {
        UnixTime::from_secs(self.0.load(Ordering::SeqCst))
    }
}

/// Deterministic, NOT secure randomness (SplitMix64), for reproducible tests.
#[derive(Debug)]
pub struct SeededRandom(AtomicU64);

impl SeededRandom {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(AtomicU64::new(seed))
    }
}

impl Random for SeededRandom {
    fn fill(&self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let mut z = self.0.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::SeqCst).wrapping_add(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
}

/// A fast, insecure stand-in for Argon2id: the "hash" is the password behind a marker.
#[derive(Debug, Default)]
pub struct PlainPasswordHasher;

impl PasswordHasher for PlainPasswordHasher {
    fn hash(&self, password: Password) -> BoxFuture<'static, Result<PasswordHash, PasswordHashError>> {
        let phc = format!("$plain${}", password.expose());
        Box::pin(async move { Ok(PasswordHash::from_phc(phc)) })
    }
    fn verify(&self, password: Password, hash: PasswordHash) -> BoxFuture<'static, Result<bool, PasswordHashError>> {
        let ok = hash.as_str() == format!("$plain${}", password.expose());
        Box::pin(async move { Ok(ok) })
    }
}

/// Signs nothing: the "token" is the typ and the claims' debug form, for tests that
/// only need a token to exist.
#[derive(Debug, Default)]
pub struct UnsignedSigner;

impl TokenSigner for UnsignedSigner {
    fn sign(&self, typ: &str, claims: &Claims) -> Result<String, SigningError> {
        Ok(format!("{typ}.{:?}.unsigned", claims.iter().collect::<Vec<_>>()))
    }
    fn published_keys(&self) -> String {
        r#"{"keys":[]}"#.to_owned()
    }
    fn verify(&self, _token: &str) -> Option<VerifiedToken> {
        None
    }
}

/// Signs nothing, but remembers what it "signed" so that `verify` answers it: for
/// use cases that read back a token they issued.
#[derive(Debug, Default)]
pub struct RecordingSigner(Mutex<Vec<(String, VerifiedToken)>>);

impl TokenSigner for RecordingSigner {
    fn sign(&self, typ: &str, claims: &Claims) -> Result<String, SigningError> {
        let text = |name: &str| match claims.get(name) {
            Some(ClaimValue::Str(s)) => Some(s.clone()),
            _ => None,
        };
        let int = |name: &str| match claims.get(name) {
            Some(ClaimValue::Int(i)) => Some(*i),
            _ => None,
        };
        let verified = VerifiedToken {
            typ: typ.to_owned(),
            iss: text("iss"),
            sub: text("sub"),
            aud: text("aud").into_iter().collect(),
            exp: int("exp"),
            iat: int("iat"),
            jti: text("jti"),
            client_id: text("client_id"),
            scope: text("scope"),
            tid: text("tid"),
            sid: text("sid"),
            gid: text("gid"),
            auth_time: int("auth_time"),
        };
        let mut issued = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // The claims stay readable in the token, as with `UnsignedSigner`.
        let token = format!("{typ}.{:?}.{}", claims.iter().collect::<Vec<_>>(), issued.len());
        issued.push((token.clone(), verified));
        Ok(token)
    }
    fn published_keys(&self) -> String {
        r#"{"keys":[]}"#.to_owned()
    }
    fn verify(&self, token: &str) -> Option<VerifiedToken> {
        let issued = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        issued.iter().find(|(t, _)| t == token).map(|(_, v)| v.clone())
    }
}

#[derive(Debug, Default)]
struct Tables {
    tenants: Vec<Tenant>,
    api_keys: Vec<ApiKey>,
    users: Vec<User>,
    clients: Vec<Client>,
    requests: Vec<PendingRequest>,
    sessions: Vec<Session>,
    codes: Vec<(AuthorizationCode, Option<UnixTime>)>,
    grants: Vec<ConsentGrant>,
    refresh_tokens: Vec<RefreshToken>,
    signing_keys: Vec<SigningKeyRecord>,
    throttles: Vec<ThrottleRow>,
    denied_jtis: Vec<(String, UnixTime)>,
    device_codes: Vec<DeviceCode>,
    totp: Vec<TotpFactor>,
    passkeys: Vec<StoredPasskey>,
    ceremonies: Vec<StoredCeremony>,
    providers: Vec<IdentityProvider>,
    links: Vec<FederatedLink>,
    upstream_flows: Vec<UpstreamFlow>,
    recovery_codes: Vec<(TenantId, UserId, SecretHash, Option<UnixTime>)>,
}

/// Every repository in memory, shared between clones.
#[derive(Debug, Default, Clone)]
pub struct InMemoryStore(Arc<Mutex<Tables>>);

impl InMemoryStore {
    fn tables(&self) -> MutexGuard<'_, Tables> {
        // A panic while holding the lock only happens in a failing test; keep going.
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn page_of<T: Clone>(
    rows: impl Iterator<Item = T>,
    page: &PageRequest,
    key: impl Fn(&T) -> (UnixTime, String),
) -> Vec<T> {
    let mut rows: Vec<T> = rows
        .filter(|row| match &page.after {
            None => true,
            Some(c) => key(row) < (c.created_at, c.id.clone()),
        })
        .collect();
    rows.sort_by_key(|row| std::cmp::Reverse(key(row)));
    rows.truncate(usize::try_from(page.fetch_limit()).unwrap_or(usize::MAX));
    rows
}

fn replace<T>(rows: &mut [T], same: impl Fn(&T) -> bool, new: T) -> bool {
    match rows.iter_mut().find(|row| same(row)) {
        Some(row) => {
            *row = new;
            true
        }
        None => false,
    }
}

fn remove<T>(rows: &mut Vec<T>, same: impl Fn(&T) -> bool) -> bool {
    let before = rows.len();
    rows.retain(|row| !same(row));
    rows.len() != before
}

impl TenantRepository for InMemoryStore {
    async fn insert_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.tenants.iter().any(|x| x.id == tenant.id) {
            return Err(StoreError::Conflict("tenant id".into()));
        }
        t.tenants.push(tenant.clone());
        Ok(())
    }
    async fn get_tenant(&self, id: &TenantId) -> Result<Option<Tenant>, StoreError> {
        Ok(self.tables().tenants.iter().find(|x| &x.id == id).cloned())
    }
    async fn list_tenants(&self, page: &PageRequest) -> Result<Vec<Tenant>, StoreError> {
        Ok(page_of(self.tables().tenants.iter().cloned(), page, |x| (x.created_at, x.id.to_string())))
    }
    async fn update_tenant(&self, tenant: &Tenant) -> Result<bool, StoreError> {
        Ok(replace(&mut self.tables().tenants, |x| x.id == tenant.id, tenant.clone()))
    }
    async fn delete_tenant(&self, id: &TenantId) -> Result<bool, StoreError> {
        let mut t = self.tables();
        t.api_keys.retain(|k| k.scope != KeyScope::Tenant(id.clone()));
        t.users.retain(|u| &u.tenant_id != id);
        t.clients.retain(|c| &c.tenant_id != id);
        t.grants.retain(|g| &g.tenant_id != id);
        t.sessions.retain(|x| &x.tenant_id != id);
        Ok(remove(&mut t.tenants, |x| &x.id == id))
    }
}

impl ApiKeyRepository for InMemoryStore {
    async fn insert_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.api_keys.iter().any(|x| x.id == key.id || x.key_hash == key.key_hash) {
            return Err(StoreError::Conflict("api key".into()));
        }
        t.api_keys.push(key.clone());
        Ok(())
    }
    async fn find_api_key_by_hash(&self, hash: &SecretHash) -> Result<Option<ApiKey>, StoreError> {
        Ok(self.tables().api_keys.iter().find(|x| &x.key_hash == hash).cloned())
    }
    async fn has_deployment_key(&self) -> Result<bool, StoreError> {
        Ok(self.tables().api_keys.iter().any(|x| x.scope == KeyScope::Deployment))
    }
    async fn list_api_keys(&self, tenant: &TenantId, page: &PageRequest) -> Result<Vec<ApiKey>, StoreError> {
        let scope = KeyScope::Tenant(tenant.clone());
        let t = self.tables();
        Ok(page_of(t.api_keys.iter().filter(|k| k.scope == scope).cloned(), page, |x| (x.created_at, x.id.to_string())))
    }
    async fn delete_api_key(&self, tenant: &TenantId, id: &ApiKeyId) -> Result<bool, StoreError> {
        let scope = KeyScope::Tenant(tenant.clone());
        Ok(remove(&mut self.tables().api_keys, |x| &x.id == id && x.scope == scope))
    }
}

impl UserRepository for InMemoryStore {
    async fn insert_user(&self, user: &User) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.users.iter().any(|x| x.id == user.id || (x.tenant_id == user.tenant_id && x.email == user.email)) {
            return Err(StoreError::Conflict("user email".into()));
        }
        t.users.push(user.clone());
        Ok(())
    }
    async fn get_user(&self, tenant: &TenantId, id: &UserId) -> Result<Option<User>, StoreError> {
        Ok(self.tables().users.iter().find(|x| &x.tenant_id == tenant && &x.id == id).cloned())
    }
    async fn live_token_user(&self, token: &TokenOrigin<'_>) -> Result<Option<User>, StoreError> {
        let t = self.tables();
        let denied = token.jti.is_some_and(|jti| t.denied_jtis.iter().any(|(j, _)| j == jti));
        let granted = t.grants.iter().any(|g| {
            &g.id == token.grant
                && &g.tenant_id == token.tenant
                && &g.user_id == token.user
                && &g.client_id == token.client
        });
        let client = t.clients.iter().any(|c| &c.id == token.client && &c.tenant_id == token.tenant);
        if denied || !granted || !client {
            return Ok(None);
        }
        Ok(t.users.iter().find(|x| &x.tenant_id == token.tenant && &x.id == token.user).cloned())
    }
    async fn find_user_by_email(&self, tenant: &TenantId, email: &Email) -> Result<Option<User>, StoreError> {
        Ok(self.tables().users.iter().find(|x| &x.tenant_id == tenant && &x.email == email).cloned())
    }
    async fn list_users(&self, tenant: &TenantId, page: &PageRequest) -> Result<Vec<User>, StoreError> {
        let t = self.tables();
        Ok(page_of(t.users.iter().filter(|x| &x.tenant_id == tenant).cloned(), page, |x| {
            (x.created_at, x.id.to_string())
        }))
    }
    async fn update_user(&self, user: &User) -> Result<bool, StoreError> {
        let mut t = self.tables();
        if t.users.iter().any(|x| x.id != user.id && x.tenant_id == user.tenant_id && x.email == user.email) {
            return Err(StoreError::Conflict("user email".into()));
        }
        Ok(replace(&mut t.users, |x| x.id == user.id && x.tenant_id == user.tenant_id, user.clone()))
    }
    async fn delete_user(&self, tenant: &TenantId, id: &UserId) -> Result<bool, StoreError> {
        let mut t = self.tables();
        t.grants.retain(|g| !(&g.tenant_id == tenant && &g.user_id == id));
        t.sessions.retain(|x| !(&x.tenant_id == tenant && &x.user_id == id));
        t.totp.retain(|x| !(&x.tenant_id == tenant && &x.user_id == id));
        t.passkeys.retain(|x| !(&x.tenant_id == tenant && &x.user_id == id));
        t.links.retain(|x| !(&x.tenant_id == tenant && &x.user_id == id));
        t.recovery_codes.retain(|x| !(&x.0 == tenant && &x.1 == id));
        Ok(remove(&mut t.users, |x| &x.tenant_id == tenant && &x.id == id))
    }
}

impl ClientRepository for InMemoryStore {
    async fn insert_client(&self, client: &Client) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.clients.iter().any(|x| x.id == client.id) {
            return Err(StoreError::Conflict("client id".into()));
        }
        t.clients.push(client.clone());
        Ok(())
    }
    async fn get_client(&self, tenant: &TenantId, id: &ClientId) -> Result<Option<Client>, StoreError> {
        Ok(self.tables().clients.iter().find(|x| &x.tenant_id == tenant && &x.id == id).cloned())
    }
    async fn find_client(&self, id: &ClientId) -> Result<Option<Client>, StoreError> {
        Ok(self.tables().clients.iter().find(|x| &x.id == id).cloned())
    }
    async fn list_clients(&self, tenant: &TenantId, page: &PageRequest) -> Result<Vec<Client>, StoreError> {
        let t = self.tables();
        Ok(page_of(t.clients.iter().filter(|x| &x.tenant_id == tenant).cloned(), page, |x| {
            (x.created_at, x.id.to_string())
        }))
    }
    async fn client_names(&self, tenant: &TenantId, ids: &[ClientId]) -> Result<Vec<(ClientId, String)>, StoreError> {
        Ok(self
            .tables()
            .clients
            .iter()
            .filter(|c| &c.tenant_id == tenant && ids.contains(&c.id))
            .map(|c| (c.id.clone(), c.settings.name().to_owned()))
            .collect())
    }
    async fn search_clients(
        &self,
        tenant: &TenantId,
        name: &str,
        page: &PageRequest,
    ) -> Result<Vec<Client>, StoreError> {
        let t = self.tables();
        let needle = name.to_ascii_lowercase();
        let matching = t
            .clients
            .iter()
            .filter(|x| &x.tenant_id == tenant && x.settings.name().to_ascii_lowercase().contains(&needle))
            .cloned();
        Ok(page_of(matching, page, |x| (x.created_at, x.id.to_string())))
    }
    async fn update_client(&self, client: &Client) -> Result<bool, StoreError> {
        Ok(replace(
            &mut self.tables().clients,
            |x| x.id == client.id && x.tenant_id == client.tenant_id,
            client.clone(),
        ))
    }
    async fn delete_client(&self, tenant: &TenantId, id: &ClientId) -> Result<bool, StoreError> {
        let mut t = self.tables();
        t.grants.retain(|g| !(&g.tenant_id == tenant && &g.client_id == id));
        t.refresh_tokens.retain(|r| !(&r.tenant_id == tenant && &r.client_id == id));
        Ok(remove(&mut t.clients, |x| &x.tenant_id == tenant && &x.id == id))
    }
}

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

impl SessionRepository for InMemoryStore {
    async fn insert_session(&self, session: &Session) -> Result<(), StoreError> {
        self.tables().sessions.push(session.clone());
        Ok(())
    }
    async fn find_session(&self, hash: &SecretHash) -> Result<Option<Session>, StoreError> {
        Ok(self.tables().sessions.iter().find(|s| &s.token_hash == hash).cloned())
    }
    async fn delete_session(&self, id: &SessionId) -> Result<bool, StoreError> {
        Ok(remove(&mut self.tables().sessions, |s| &s.id == id))
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
    async fn delete_user_session(&self, tenant: &TenantId, user: &UserId, id: &SessionId) -> Result<bool, StoreError> {
        Ok(remove(&mut self.tables().sessions, |s| &s.tenant_id == tenant && &s.user_id == user && &s.id == id))
    }
    async fn delete_user_sessions(
        &self,
        tenant: &TenantId,
        user: &UserId,
        keep: Option<&SessionId>,
    ) -> Result<u64, StoreError> {
        let sessions = &mut self.tables().sessions;
        let before = sessions.len();
        sessions.retain(|s| !(&s.tenant_id == tenant && &s.user_id == user && Some(&s.id) != keep));
        Ok((before - sessions.len()) as u64)
    }
}

impl CodeRepository for InMemoryStore {
    async fn insert_code(&self, code: &AuthorizationCode) -> Result<(), StoreError> {
        self.tables().codes.push((code.clone(), None));
        Ok(())
    }
    async fn use_code(&self, hash: &SecretHash, now: UnixTime) -> Result<CodeUse, StoreError> {
        let mut t = self.tables();
        Ok(match t.codes.iter_mut().find(|(c, _)| &c.code_hash == hash) {
            None => CodeUse::Unknown,
            Some((code, used @ None)) => {
                *used = Some(now);
                CodeUse::First(code.clone())
            }
            Some((code, Some(_))) => CodeUse::Replayed(code.clone()),
        })
    }
    async fn record_issued_access_token(
        &self,
        hash: &SecretHash,
        jti: &str,
        expires_at: UnixTime,
    ) -> Result<(), StoreError> {
        if let Some((code, _)) = self.tables().codes.iter_mut().find(|(c, _)| &c.code_hash == hash) {
            code.issued_access_token = Some((jti.to_owned(), expires_at));
        }
        Ok(())
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
    async fn delete_grant(&self, tenant: &TenantId, id: &GrantId) -> Result<bool, StoreError> {
        Ok(remove(&mut self.tables().grants, |g| &g.tenant_id == tenant && &g.id == id))
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
    async fn revoke_grant_tokens(&self, tenant: &TenantId, grant: &GrantId, now: UnixTime) -> Result<u64, StoreError> {
        Ok(revoke_where(&mut self.tables().refresh_tokens, now, |r| &r.tenant_id == tenant && &r.grant_id == grant))
    }
    async fn revoke_code_tokens(&self, code: &SecretHash, now: UnixTime) -> Result<u64, StoreError> {
        Ok(revoke_where(&mut self.tables().refresh_tokens, now, |r| r.origin_code.as_ref() == Some(code)))
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
    async fn retire_signing_keys(&self, except: &str, at: UnixTime) -> Result<u64, StoreError> {
        let mut t = self.tables();
        let mut count = 0;
        for key in t.signing_keys.iter_mut().filter(|k| k.kid != except && k.retired_at.is_none()) {
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

/// One throttle key's counter.
#[derive(Debug, Clone)]
struct ThrottleRow {
    key: String,
    failures: u32,
    last: UnixTime,
    blocked_until: UnixTime,
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

/// A stand-in authenticator and relying party for domain tests. Registration answers
/// are `credential:<id>`; assertions are `assertion:<id>:<user handle hex>:<counter>`.
/// Stored credentials are `<id>|<counter>`; a counter that does not go up is refused.
#[derive(Debug, Default)]
pub struct FakePasskeys;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl PasskeyCeremonies for FakePasskeys {
    fn start_registration(&self, user: &PasskeyUser, exclude: &[String]) -> Result<Ceremony, PasskeyError> {
        Ok(Ceremony {
            options: format!("register:{}:{}", hex(&user.handle), exclude.join(",")),
            state: "register".into(),
        })
    }
    fn finish_registration(&self, state: &str, response: &str) -> Result<RegisteredPasskey, PasskeyError> {
        let id = response
            .strip_prefix("credential:")
            .filter(|_| state == "register")
            .ok_or_else(|| PasskeyError::Rejected("not a registration".into()))?;
        Ok(RegisteredPasskey {
            credential_id: id.to_owned(),
            credential: format!("{id}|0"),
            backup_eligible: true,
            backup_state: false,
        })
    }
    fn start_authentication(&self) -> Result<Ceremony, PasskeyError> {
        Ok(Ceremony { options: "sign-in".into(), state: "sign-in".into() })
    }
    fn identify(&self, response: &str) -> Result<PasskeyAssertion, PasskeyError> {
        let parts: Vec<&str> = response.split(':').collect();
        match parts.as_slice() {
            ["assertion", id, handle, _] => Ok(PasskeyAssertion {
                user_handle: (0..handle.len())
                    .step_by(2)
                    .filter_map(|i| u8::from_str_radix(handle.get(i..i + 2)?, 16).ok())
                    .collect(),
                credential_id: (*id).to_owned(),
            }),
            _ => Err(PasskeyError::Rejected("not an assertion".into())),
        }
    }
    fn finish_authentication(
        &self,
        state: &str,
        response: &str,
        credential: &str,
    ) -> Result<UsedPasskey, PasskeyError> {
        let (stored_id, stored_counter) = credential.split_once('|').unwrap_or((credential, "0"));
        let parts: Vec<&str> = response.split(':').collect();
        let ["assertion", id, _, counter] = parts.as_slice() else {
            return Err(PasskeyError::Rejected("not an assertion".into()));
        };
        let counter: u32 = counter.parse().map_err(|_| PasskeyError::Rejected("bad counter".into()))?;
        let stored: u32 = stored_counter.parse().unwrap_or(0);
        if state != "sign-in" || *id != stored_id || counter <= stored {
            return Err(PasskeyError::Rejected("signature, challenge or counter".into()));
        }
        Ok(UsedPasskey { credential: format!("{id}|{counter}"), backup_eligible: true, backup_state: true })
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

/// A stand-in upstream provider: discovery answers `{issuer}/authorize` and friends,
/// every code redeems to the ID token `id-token`, and that token verifies to
/// whatever `claims` holds (set by the test). GitHub answers `github`.
#[derive(Debug, Default)]
pub struct FakeUpstream {
    /// The claims `id-token` verifies to.
    pub claims: Mutex<UpstreamClaims>,
    /// GitHub's user.
    pub github: Mutex<Option<UpstreamIdentity>>,
}

impl UpstreamClient for FakeUpstream {
    fn discover(&self, issuer: &str) -> BoxFuture<'static, Result<UpstreamEndpoints, UpstreamError>> {
        let issuer = issuer.to_owned();
        Box::pin(async move {
            Ok(UpstreamEndpoints {
                authorization_endpoint: format!("{issuer}/authorize"),
                token_endpoint: format!("{issuer}/token"),
                jwks_uri: Some(format!("{issuer}/jwks")),
                issuer,
            })
        })
    }
    fn redeem_code(&self, _: CodeRedemption) -> BoxFuture<'static, Result<UpstreamTokens, UpstreamError>> {
        Box::pin(async { Ok(UpstreamTokens { id_token: Some("id-token".into()), access_token: "access".into() }) })
    }
    fn fetch_keys(&self, _: &str) -> BoxFuture<'static, Result<String, UpstreamError>> {
        Box::pin(async { Ok("{\"keys\":[]}".to_owned()) })
    }
    fn github_identity(&self, _: &str) -> BoxFuture<'static, Result<UpstreamIdentity, UpstreamError>> {
        let user = self.github.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        Box::pin(async move { user.ok_or_else(|| UpstreamError("no GitHub user".into())) })
    }
    fn vet_destination(&self, _: &str) -> BoxFuture<'static, Result<(), UpstreamError>> {
        Box::pin(async { Ok(()) })
    }
}

impl UpstreamTokenVerifier for FakeUpstream {
    fn verify_upstream(&self, id_token: &str, _: &str) -> Option<UpstreamClaims> {
        (id_token == "id-token").then(|| self.claims.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone())
    }
}

/// Seals by labelling: `sealed:<context>:<hex>`. Opens only with the same context.
#[derive(Debug, Default)]
pub struct LabelSealer;

impl SecretSealer for LabelSealer {
    fn seal(&self, context: &str, plain: &[u8]) -> Result<String, SealError> {
        let hex: String = plain.iter().map(|b| format!("{b:02x}")).collect();
        Ok(format!("sealed:{context}:{hex}"))
    }
    fn open(&self, context: &str, sealed: &str) -> Result<Vec<u8>, SealError> {
        let hex = sealed
            .strip_prefix(&format!("sealed:{context}:"))
            .ok_or_else(|| SealError("another context".to_owned()))?;
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16).map_err(|e| SealError(e.to_string())))
            .collect()
    }
}

impl Housekeeping for InMemoryStore {
    async fn purge_expired(&self, now: UnixTime, _batch: i64) -> Result<u64, StoreError> {
        let mut t = self.tables();
        let before = t.requests.len()
            + t.codes.len()
            + t.sessions.len()
            + t.device_codes.len()
            + t.denied_jtis.len()
            + t.ceremonies.len();
        t.requests.retain(|r| r.expires_at > now);
        t.codes.retain(|(c, _)| c.expires_at > now);
        t.sessions.retain(|s| s.expires_at > now);
        t.ceremonies.retain(|c| c.expires_at > now);
        t.device_codes.retain(|d| d.expires_at > now);
        t.denied_jtis.retain(|(_, exp)| *exp > now);
        let after = t.requests.len()
            + t.codes.len()
            + t.sessions.len()
            + t.device_codes.len()
            + t.denied_jtis.len()
            + t.ceremonies.len();
        Ok((before - after) as u64)
    }
}

impl Store for InMemoryStore {
    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
