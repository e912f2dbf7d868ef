-- Request objects (RFC 9101): the client's keys (a JWK Set, or where to fetch it), the
-- request_uris it may pass by reference, and the one algorithm it signs with, if it named
-- one; as a JSON object (read only with the client, never queried).
ALTER TABLE clients ADD COLUMN request_objects TEXT;
