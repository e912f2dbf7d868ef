-- Back-channel and front-channel logout (OpenID Connect Back-Channel Logout 1.0,
-- Front-Channel Logout 1.0): where each client hears that a user signed out.
ALTER TABLE clients ADD COLUMN backchannel_logout_uri TEXT;
ALTER TABLE clients ADD COLUMN backchannel_logout_session_required BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE clients ADD COLUMN frontchannel_logout_uri TEXT;
ALTER TABLE clients ADD COLUMN frontchannel_logout_session_required BOOLEAN NOT NULL DEFAULT FALSE;

-- Which clients were issued a code in which session: who hears when it ends.
CREATE TABLE session_clients (
    session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    client_id   TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    tenant_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    PRIMARY KEY (session_id, client_id)
);
CREATE INDEX session_clients_user ON session_clients (tenant_id, user_id, client_id);

-- The outbox of back-channel logout tokens, written in the transaction that ends
-- the session (or revokes the grant). Delivered rows are deleted; a row that ran
-- out of attempts stays, failed, for the admin to see. next_attempt_at is also
-- the claim: a sender moves it past its lease before it sends, so two instances
-- never send one row twice. No foreign key to users: a deleted user's sessions
-- are still announced.
CREATE TABLE logout_deliveries (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    client_id        TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    user_id          TEXT NOT NULL,
    session_id       TEXT,
    created_at       BIGINT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    failed           BOOLEAN NOT NULL DEFAULT FALSE,
    last_error       TEXT
);
CREATE INDEX logout_deliveries_due ON logout_deliveries (failed, next_attempt_at);
CREATE INDEX logout_deliveries_client ON logout_deliveries (client_id, created_at);
