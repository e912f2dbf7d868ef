-- The language of a tenant's pages and e-mail when neither the request's ui_locales nor
-- the browser's Accept-Language names one with a catalogue.
ALTER TABLE tenants ADD COLUMN default_locale TEXT NOT NULL DEFAULT 'en';
