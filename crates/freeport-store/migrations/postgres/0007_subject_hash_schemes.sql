-- How each exporter's subject hashes are computed (issue 7): PostgreSQL's form of
-- migrations/sqlite/0007_subject_hash_schemes.sql. A salt never changes scheme.

ALTER TABLE subject_salt ADD COLUMN scheme TEXT NOT NULL DEFAULT 'hmac-sha256-128'
    CHECK (scheme IN ('hmac-sha256-128', 'siphash24-128'));
