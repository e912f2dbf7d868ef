-- The tenant a deployment admin opened to registration without an initial access
-- token (when the configuration names none): at most one, gone with its tenant.
ALTER TABLE tenants ADD COLUMN open_registration BOOLEAN NOT NULL DEFAULT FALSE;
CREATE UNIQUE INDEX tenants_one_open_registration ON tenants (open_registration) WHERE open_registration;
