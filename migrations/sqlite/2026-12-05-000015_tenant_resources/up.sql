-- The resources (RFC 8707) a tenant's tokens may be for, with the scopes each accepts,
-- as JSON; NULL accepts any absolute resource URI.
ALTER TABLE tenants ADD COLUMN resources TEXT;
