DROP TABLE throttles;
DROP TABLE signing_keys;
DROP TABLE refresh_tokens;
DROP TABLE consent_grants;
DROP TABLE authorization_codes;
DROP TABLE sessions;
DROP TABLE authorization_requests;
