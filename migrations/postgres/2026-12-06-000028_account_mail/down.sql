DROP TABLE mail_outbox;
DROP TABLE account_links;
ALTER TABLE tenants DROP COLUMN require_verified_email;
ALTER TABLE tenants DROP COLUMN self_sign_up;
