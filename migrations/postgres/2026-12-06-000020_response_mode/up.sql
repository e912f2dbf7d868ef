-- OAuth 2.0 Form Post Response Mode: how a pending request's answer reaches the client.
ALTER TABLE authorization_requests ADD COLUMN response_mode TEXT NOT NULL DEFAULT 'query';
