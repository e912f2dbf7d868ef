-- OAuth 2.0 Form Post Response Mode: how a pending request's answer reaches the client;
-- and the user's preferred languages (ui_locales) for the hosted pages and custom UIs.
ALTER TABLE authorization_requests ADD COLUMN response_mode TEXT NOT NULL DEFAULT 'query';
ALTER TABLE authorization_requests ADD COLUMN ui_locales TEXT;
