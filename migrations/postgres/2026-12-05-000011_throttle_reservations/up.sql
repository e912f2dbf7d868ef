-- An attempt is reserved before it runs: while blocked_until is ahead, no attempt on
-- the key runs at all (one at a time once past the free ones; see ThrottleRepository).
ALTER TABLE throttles ADD COLUMN blocked_until BIGINT NOT NULL DEFAULT 0;
