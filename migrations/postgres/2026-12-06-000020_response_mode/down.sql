ALTER TABLE authorization_requests DROP COLUMN ui_locales;
ALTER TABLE authorization_requests DROP COLUMN response_mode;
