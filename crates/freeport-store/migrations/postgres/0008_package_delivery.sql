-- Delivering a recorded transfer's package (issue 15 item 4): PostgreSQL's form of
-- migrations/sqlite/0008_package_delivery.sql, which lists what each `delivery` means.

ALTER TABLE log_outbox ADD COLUMN staging TEXT;
ALTER TABLE log_outbox ADD COLUMN delivery TEXT
    CHECK (delivery IS NULL OR delivery IN ('staged', 'delivered', 'lost'));
ALTER TABLE log_outbox ADD COLUMN delivery_at TEXT;

CREATE INDEX log_outbox_undelivered ON log_outbox (transfer) WHERE delivery = 'staged';
