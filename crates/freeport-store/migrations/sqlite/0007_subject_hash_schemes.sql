-- How each exporter's subject hashes are computed (issue 7). Salts created before this
-- migration keep HMAC-SHA-256 truncated to 128 bits, so the people they hashed still match;
-- new salts use keyed SipHash-2-4 with 128-bit output (key: the salt's first 16 bytes, read as
-- two little-endian u64), a pseudorandom function built for short inputs that costs a fraction
-- of an HMAC per row — and leaves the CPU's SHA unit to the seal, which hashes the whole payload
-- while the data is scanned. A salt never changes scheme: an exporter's hashes stay comparable.

ALTER TABLE subject_salt ADD COLUMN scheme TEXT NOT NULL DEFAULT 'hmac-sha256-128'
    CHECK (scheme IN ('hmac-sha256-128', 'siphash24-128'));
