ALTER TABLE throttles DROP COLUMN blocked_until;
