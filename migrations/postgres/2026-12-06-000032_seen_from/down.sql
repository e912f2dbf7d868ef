ALTER TABLE sessions DROP COLUMN network;
ALTER TABLE sessions DROP COLUMN user_agent;
ALTER TABLE authorization_requests DROP COLUMN user_agent;
ALTER TABLE authorization_requests DROP COLUMN client_address;
