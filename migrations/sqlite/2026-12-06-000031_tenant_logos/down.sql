DROP TABLE tenant_logos;
ALTER TABLE tenants DROP COLUMN logo;
