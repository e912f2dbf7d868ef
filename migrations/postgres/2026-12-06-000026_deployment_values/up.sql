-- The deployment's own values: which key-encryption key seals the data (its id), and
-- the root of the secrets derived for the whole deployment (sealed), so that a new
-- key-encryption key re-seals them instead of changing them.
CREATE TABLE deployment_values (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
