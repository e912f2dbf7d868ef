-- device_codes.user_code now holds the SHA-256 (hex) of the user code, never the code:
-- codes issued before this version (they live ten minutes) stop being found.
DELETE FROM device_codes WHERE length(user_code) <> 64;
