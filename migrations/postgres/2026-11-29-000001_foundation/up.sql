-- Foundation: tenants, admin API keys, users, OAuth clients.
-- Portable schema (DESIGN §3): text ids, BIGINT unix-second timestamps, JSON as text.
CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX tenants_newest ON tenants (created_at DESC, id DESC);

-- tenant_id NULL: a deployment-wide key (the bootstrap key).
CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT REFERENCES tenants (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    key_hash    TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);
CREATE INDEX api_keys_tenant_newest ON api_keys (tenant_id, created_at DESC, id DESC);

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email           TEXT NOT NULL,
    email_verified  BOOLEAN NOT NULL,
    name            TEXT,
    password_hash   TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (tenant_id, email)
);
CREATE INDEX users_tenant_newest ON users (tenant_id, created_at DESC, id DESC);

CREATE TABLE clients (
    id                          TEXT PRIMARY KEY,
    tenant_id                   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name                        TEXT NOT NULL,
    client_type                 TEXT NOT NULL,
    redirect_uris               TEXT NOT NULL,
    post_logout_uris            TEXT NOT NULL,
    grant_types                 TEXT NOT NULL,
    scopes                      TEXT NOT NULL,
    require_pkce                BOOLEAN NOT NULL,
    secret_hash                 TEXT,
    previous_secret_hash        TEXT,
    previous_secret_expires_at  BIGINT,
    created_at                  BIGINT NOT NULL,
    updated_at                  BIGINT NOT NULL
);
CREATE INDEX clients_tenant_newest ON clients (tenant_id, created_at DESC, id DESC);
