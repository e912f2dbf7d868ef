-- How the user proved who they are before a second factor is asked for ('pwd' or
-- 'fed'), so the session's amr names both.
ALTER TABLE authorization_requests ADD COLUMN first_factor TEXT;
