-- The code that started a refresh family is kept on the family's first token only, and a
-- replayed code revokes by family: the origin index holds one entry a family instead of one
-- a rotation. Tokens issued before keep their copies (still correct: they share the family).
DROP INDEX refresh_tokens_origin;
CREATE INDEX refresh_tokens_origin ON refresh_tokens (origin_code) WHERE origin_code IS NOT NULL;
