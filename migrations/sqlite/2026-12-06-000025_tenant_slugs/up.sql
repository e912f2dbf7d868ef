-- Tenants by name, not id: a unique, URL-safe slug (`acme`) that end users and admins
-- type instead of `tnt_…`. Existing tenants get one made from their id (lowercase
-- letters and digits only, so it is a valid slug); admins can change it.
ALTER TABLE tenants ADD COLUMN slug TEXT NOT NULL DEFAULT '';
UPDATE tenants SET slug = 'tenant-' || lower(replace(replace(substr(id, 5), '_', '0'), '-', '1'));
CREATE UNIQUE INDEX tenants_slug ON tenants (slug);
