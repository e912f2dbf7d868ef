DROP INDEX refresh_tokens_origin;
CREATE INDEX refresh_tokens_origin ON refresh_tokens (origin_code);
