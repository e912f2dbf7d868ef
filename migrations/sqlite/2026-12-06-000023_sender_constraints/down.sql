ALTER TABLE refresh_tokens DROP COLUMN dpop_jkt;
DROP TABLE pushed_requests;
DROP TABLE spent_jtis;
ALTER TABLE tenants DROP COLUMN fapi2;
ALTER TABLE tenants DROP COLUMN require_par;
ALTER TABLE clients DROP COLUMN policy;
