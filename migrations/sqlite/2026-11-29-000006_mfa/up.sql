-- Second factors. A TOTP secret must be readable to check codes: it is stored sealed
-- (AES-256-GCM under the key-encryption key), never in clear. last_step is the
-- highest RFC 6238 time step accepted, so a code is never accepted twice.
CREATE TABLE user_totp (
    user_id        TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    sealed_secret  TEXT NOT NULL,
    confirmed_at   BIGINT,
    last_step      BIGINT NOT NULL,
    created_at     BIGINT NOT NULL
);

-- Single-use recovery codes, stored as SHA-256 hashes (they are high-entropy).
CREATE TABLE recovery_codes (
    code_hash  TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    used_at    BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes (tenant_id, user_id);

-- A tenant may require a second factor of every user.
ALTER TABLE tenants ADD COLUMN require_mfa BOOLEAN NOT NULL DEFAULT FALSE;
