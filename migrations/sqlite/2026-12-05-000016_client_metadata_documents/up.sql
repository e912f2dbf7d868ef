-- A client known by its metadata document's URL (its client_id): when the fetched
-- document goes stale and is fetched again. NULL for every other client.
ALTER TABLE clients ADD COLUMN registration_document_refresh_at BIGINT;
