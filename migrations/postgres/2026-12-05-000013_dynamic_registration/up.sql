-- Initial access tokens of dynamic client registration (RFC 7591 §3): hashes only.
-- A NULL expires_at never expires; a NULL uses_left admits any number of clients.
CREATE TABLE initial_access_tokens (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    label       TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  BIGINT,
    uses_left   BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX initial_access_tokens_tenant ON initial_access_tokens (tenant_id, created_at);

-- A client that registered itself: the hash of its registration access token
-- (RFC 7592), the token endpoint method it named, and its descriptive metadata
-- (JSON). All NULL for clients made through the admin API.
ALTER TABLE clients ADD COLUMN registration_token_hash TEXT;
ALTER TABLE clients ADD COLUMN registration_auth_method TEXT;
ALTER TABLE clients ADD COLUMN registration_metadata TEXT;
