-- Upstream identity providers a tenant trusts (social sign-in). The client secret is
-- sealed under the key-encryption key: it is sent to the provider, so not hashable.
CREATE TABLE identity_providers (
    id                    TEXT PRIMARY KEY,
    tenant_id             TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind                  TEXT NOT NULL,
    name                  TEXT NOT NULL,
    issuer                TEXT,
    client_id             TEXT NOT NULL,
    sealed_client_secret  TEXT NOT NULL,
    link_verified_email   BOOLEAN NOT NULL,
    created_at            BIGINT NOT NULL
);
CREATE INDEX identity_providers_tenant ON identity_providers (tenant_id, created_at);

-- An account at a provider, linked to one of our users (one link per subject).
CREATE TABLE federated_identities (
    provider_id  TEXT NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
    subject      TEXT NOT NULL,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (provider_id, subject)
);
CREATE INDEX federated_identities_user ON federated_identities (tenant_id, user_id);

-- A sign-in away at a provider, keyed by the hash of the state sent there (used once).
CREATE TABLE upstream_flows (
    state_hash     TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    provider_id    TEXT NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
    request_id     TEXT NOT NULL,
    nonce          TEXT NOT NULL,
    code_verifier  TEXT NOT NULL,
    expires_at     BIGINT NOT NULL
);
CREATE INDEX upstream_flows_expiry ON upstream_flows (expires_at);
