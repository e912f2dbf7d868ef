-- RS256 beside ES256: each signing key signs with one algorithm; a client's ID tokens
-- use the algorithm it registered (NULL: ES256, the default), and its UserInfo
-- answers are signed with userinfo_alg when it asked (NULL: plain JSON).
ALTER TABLE signing_keys ADD COLUMN alg TEXT NOT NULL DEFAULT 'ES256';
ALTER TABLE clients ADD COLUMN id_token_alg TEXT;
ALTER TABLE clients ADD COLUMN userinfo_alg TEXT;
