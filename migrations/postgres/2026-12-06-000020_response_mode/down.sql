ALTER TABLE authorization_requests DROP COLUMN response_mode;
