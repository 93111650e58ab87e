-- Delivering a recorded transfer's package (issue 15 item 4). `freeport assess` records a
-- transfer and queues its log entry before the package is finished: the package can be signed
-- only once the log's receipt exists. A run killed after the append used to leave a recorded,
-- logged transfer with no package and no trace of it. The row now says where the run staged the
-- package (the directory holding the encrypted payload and the manifest body) and whether it
-- reached the output directory:
--   delivery NULL         no package expected (rows from before this migration, `judge --record`)
--   delivery 'staged'     recorded, package not yet in place: recovery finishes it from `staging`
--                         or reports "recorded transfer X has no package" on every run
--   delivery 'delivered'  the package is in place
--   delivery 'lost'       an operator declared the staged package lost (`assess --package-lost`)

ALTER TABLE log_outbox ADD COLUMN staging TEXT;
ALTER TABLE log_outbox ADD COLUMN delivery TEXT
    CHECK (delivery IS NULL OR delivery IN ('staged', 'delivered', 'lost'));
ALTER TABLE log_outbox ADD COLUMN delivery_at TEXT;

CREATE INDEX log_outbox_undelivered ON log_outbox (transfer) WHERE delivery = 'staged';
