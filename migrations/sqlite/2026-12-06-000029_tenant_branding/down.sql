ALTER TABLE tenants DROP COLUMN privacy_url;
ALTER TABLE tenants DROP COLUMN support_url;
ALTER TABLE tenants DROP COLUMN primary_color;
