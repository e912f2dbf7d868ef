-- Users may hold an admin dashboard role: 'tenant' (their own tenant) or 'deployment' (all).
ALTER TABLE users ADD COLUMN admin_role TEXT;
