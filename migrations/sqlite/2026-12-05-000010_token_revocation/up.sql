-- Access and refresh tokens issued at or before this moment are dead: "sign out everywhere".
ALTER TABLE users ADD COLUMN tokens_revoked_at BIGINT;
