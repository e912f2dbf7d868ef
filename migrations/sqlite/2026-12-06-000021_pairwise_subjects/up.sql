-- Pairwise subject identifiers (OIDC Core §8.1): a pairwise client's sector (NULL: public
-- subjects) and the sector identifier document it registered, if any.
ALTER TABLE clients ADD COLUMN pairwise_sector TEXT;
ALTER TABLE clients ADD COLUMN sector_identifier_uri TEXT;
