ALTER TABLE tenants DROP COLUMN resources;
