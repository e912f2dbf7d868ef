ALTER TABLE clients DROP COLUMN registration_document_refresh_at;
