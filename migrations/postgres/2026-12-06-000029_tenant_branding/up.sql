-- A tenant's look on its hosted pages, account page and e-mail: a primary colour
-- (#rrggbb, checked for contrast when set) and support and privacy links.
ALTER TABLE tenants ADD COLUMN primary_color TEXT;
ALTER TABLE tenants ADD COLUMN support_url TEXT;
ALTER TABLE tenants ADD COLUMN privacy_url TEXT;
