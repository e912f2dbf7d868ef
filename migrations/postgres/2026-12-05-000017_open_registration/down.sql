DROP INDEX tenants_one_open_registration;
ALTER TABLE tenants DROP COLUMN open_registration;
