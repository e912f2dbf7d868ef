-- A tenant's uploaded logo: the tenant row names it (digest and format, so reading a tenant
-- never reads the image); the image itself lives here, one row per tenant.
ALTER TABLE tenants ADD COLUMN logo TEXT;
CREATE TABLE tenant_logos (
    tenant_id  TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    logo       TEXT NOT NULL,
    image      BLOB NOT NULL
);
