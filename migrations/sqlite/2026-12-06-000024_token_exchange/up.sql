-- Token exchange (RFC 8693): every exchange, for the user's audit (who got a token
-- for whom, acting how, for which audience and scopes). Kept with the user.
CREATE TABLE token_exchanges (
    id                 TEXT PRIMARY KEY,
    tenant_id          TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id            TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id          TEXT NOT NULL,
    subject_client_id  TEXT NOT NULL,
    actor              TEXT,
    audience           TEXT NOT NULL,
    scope              TEXT NOT NULL,
    created_at         BIGINT NOT NULL
);
CREATE INDEX token_exchanges_user ON token_exchanges (tenant_id, user_id, created_at);
