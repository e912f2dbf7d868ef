-- Token services: per-client lifetimes, revoked access tokens, device authorizations.
ALTER TABLE clients ADD COLUMN access_token_ttl BIGINT;
ALTER TABLE clients ADD COLUMN refresh_token_ttl BIGINT;
ALTER TABLE clients ADD COLUMN refresh_token_idle_ttl BIGINT;

-- Access tokens revoked before they expire (RFC 7009), kept until their own expiry.
CREATE TABLE revoked_access_tokens (
    jti         TEXT PRIMARY KEY,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX revoked_access_tokens_expiry ON revoked_access_tokens (expires_at);

-- RFC 8628 device authorizations; the device code is stored as its SHA-256.
CREATE TABLE device_codes (
    device_code_hash  TEXT PRIMARY KEY,
    user_code         TEXT NOT NULL UNIQUE,
    tenant_id         TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    client_id         TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    scope             TEXT NOT NULL,
    interval_seconds  BIGINT NOT NULL,
    last_polled_at    BIGINT,
    status            TEXT NOT NULL,
    user_id           TEXT,
    session_id        TEXT,
    auth_time         BIGINT,
    amr               TEXT NOT NULL,
    grant_id          TEXT,
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL
);
CREATE INDEX device_codes_expiry ON device_codes (expires_at);
