-- Resource indicators (RFC 8707): the resource an authorization request asked for,
-- carried by its code and the grant's refresh tokens; the access tokens' `aud`.
ALTER TABLE authorization_requests ADD COLUMN resource TEXT;
ALTER TABLE authorization_codes ADD COLUMN resource TEXT;
ALTER TABLE refresh_tokens ADD COLUMN resource TEXT;
