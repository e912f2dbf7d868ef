DROP INDEX tenants_slug;
ALTER TABLE tenants DROP COLUMN slug;
