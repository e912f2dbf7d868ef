-- A disabled user cannot sign in or refresh tokens; the row and its history stay.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
