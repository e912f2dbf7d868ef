-- RS256 beside ES256: each signing key signs with one algorithm, and a client's ID
-- tokens use the algorithm it registered (NULL: ES256, the default).
ALTER TABLE signing_keys ADD COLUMN alg TEXT NOT NULL DEFAULT 'ES256';
ALTER TABLE clients ADD COLUMN id_token_alg TEXT;
