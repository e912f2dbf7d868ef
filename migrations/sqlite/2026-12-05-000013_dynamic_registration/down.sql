ALTER TABLE clients DROP COLUMN registration_metadata;
ALTER TABLE clients DROP COLUMN registration_auth_method;
ALTER TABLE clients DROP COLUMN registration_token_hash;
DROP TABLE initial_access_tokens;
