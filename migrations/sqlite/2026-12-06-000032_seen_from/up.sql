-- Where a sign-in came from: the pending request keeps the browser's address and user agent
-- (for the sign-in's audit event and its session); a session keeps the user agent and only the
-- address's network, so people can tell their sessions apart.
ALTER TABLE authorization_requests ADD COLUMN client_address TEXT;
ALTER TABLE authorization_requests ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN network TEXT;
