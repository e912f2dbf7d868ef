-- Passkeys (WebAuthn credentials). credential holds what the ceremony adapter needs
-- to verify the next sign-in (public key, signature counter, backup flags).
CREATE TABLE passkeys (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id    TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    credential       TEXT NOT NULL,
    backup_eligible  BOOLEAN NOT NULL,
    backup_state     BOOLEAN NOT NULL,
    created_at       BIGINT NOT NULL,
    last_used_at     BIGINT
);
CREATE INDEX passkeys_user ON passkeys (tenant_id, user_id);

-- A ceremony's server-side state between its two requests (five minutes, used once):
-- for a registration the user, for a sign-in the pending request.
CREATE TABLE passkey_ceremonies (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id     TEXT,
    request_id  TEXT,
    state       TEXT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX passkey_ceremonies_expiry ON passkey_ceremonies (expires_at);
