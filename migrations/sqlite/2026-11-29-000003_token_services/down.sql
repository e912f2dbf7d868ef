DROP TABLE device_codes;
DROP TABLE revoked_access_tokens;
ALTER TABLE clients DROP COLUMN refresh_token_idle_ttl;
ALTER TABLE clients DROP COLUMN refresh_token_ttl;
ALTER TABLE clients DROP COLUMN access_token_ttl;
