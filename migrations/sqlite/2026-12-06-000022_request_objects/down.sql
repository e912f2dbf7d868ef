ALTER TABLE clients DROP COLUMN request_objects;
