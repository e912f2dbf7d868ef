ALTER TABLE clients DROP COLUMN userinfo_alg;
ALTER TABLE clients DROP COLUMN id_token_alg;
ALTER TABLE signing_keys DROP COLUMN alg;
