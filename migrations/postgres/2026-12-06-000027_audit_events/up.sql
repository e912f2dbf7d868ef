-- The audit trail: one row per event, per tenant, newest first; removed with the
-- tenant, and after audit_retention_days by housekeeping.
CREATE TABLE audit_events (
    id          TEXT PRIMARY KEY NOT NULL,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    user_id     TEXT,
    client_id   TEXT,
    address     TEXT,
    details     TEXT NOT NULL
);
CREATE INDEX audit_events_tenant_newest ON audit_events (tenant_id, created_at DESC, id DESC);
CREATE INDEX audit_events_tenant_user ON audit_events (tenant_id, user_id, created_at DESC);
CREATE INDEX audit_events_age ON audit_events (created_at);
