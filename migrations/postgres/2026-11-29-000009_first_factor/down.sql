ALTER TABLE authorization_requests DROP COLUMN first_factor;
