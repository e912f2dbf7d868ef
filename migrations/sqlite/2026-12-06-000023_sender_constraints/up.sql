-- Sender-constrained and high-security clients: how a client authenticates
-- (token_endpoint_auth_method, private_key_jwt), pushed authorization requests
-- (RFC 9126), DPoP (RFC 9449) and the FAPI 2.0 switch, as a JSON object read only
-- with the client; the tenant's own switches beside its other policies.
ALTER TABLE clients ADD COLUMN policy TEXT;
ALTER TABLE tenants ADD COLUMN require_par BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tenants ADD COLUMN fapi2 BOOLEAN NOT NULL DEFAULT FALSE;

-- JWT ids seen once (client assertions, DPoP proofs), until the token they came in
-- expires: the primary key refuses a second insert, on every instance.
CREATE TABLE spent_jtis (
    key         TEXT PRIMARY KEY,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX spent_jtis_expiry ON spent_jtis (expires_at);

-- Pushed authorization requests (RFC 9126): the parameters as the client sent
-- them (form-encoded), under the SHA-256 of the request_uri's random part;
-- deleted when used.
CREATE TABLE pushed_requests (
    id_hash     TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    client_id   TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    params      TEXT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX pushed_requests_expiry ON pushed_requests (expires_at);

-- A public client's refresh tokens are bound to the DPoP key they were issued to
-- (RFC 9449 §5): the key's JWK SHA-256 thumbprint.
ALTER TABLE refresh_tokens ADD COLUMN dpop_jkt TEXT;
