-- Recovery, verification and sign-up by e-mail: a tenant's sign-up rules, the
-- single-use links messages carry (hashes only), and the outbox of messages
-- (sealed: they hold live links) that senders claim and delete once delivered.
ALTER TABLE tenants ADD COLUMN self_sign_up BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tenants ADD COLUMN require_verified_email BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE account_links (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    purpose     TEXT NOT NULL,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    request_id  TEXT,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX account_links_user ON account_links (tenant_id, user_id, purpose);
CREATE INDEX account_links_expiry ON account_links (expires_at);

CREATE TABLE mail_outbox (
    id              TEXT PRIMARY KEY NOT NULL,
    tenant_id       TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    sealed_message  TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    failed          BOOLEAN NOT NULL DEFAULT FALSE,
    last_error      TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (failed, next_attempt_at);
