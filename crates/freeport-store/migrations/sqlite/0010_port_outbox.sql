-- The last number given to a filing per id prefix (`F-<year>-`): numbering the next filing
-- reads and bumps one row instead of counting the year's filings (which grew with the port's
-- history, bench/port). Filed ids are `<prefix><digits>`, so a prefix is the id without its
-- trailing digits.
CREATE TABLE filing_number (
    prefix TEXT NOT NULL PRIMARY KEY,
    last   INTEGER NOT NULL CHECK (last >= 1)
) STRICT;

INSERT INTO filing_number (prefix, last)
SELECT rtrim(id, '0123456789'),
       MAX(CAST(substr(id, length(rtrim(id, '0123456789')) + 1) AS INTEGER))
FROM filing
GROUP BY rtrim(id, '0123456789');

-- A decided side's log entries, queued in the transaction that stores the decision: the
-- `decision` entry and, for a refusal, the `publication` entry of its public reasons. The port
-- appends them after the commit and then sets `log_index`; a crash in between leaves them
-- here, and the port appends them (or finds them appended) when it next opens.
ALTER TABLE case_side ADD COLUMN log_entry BLOB;
ALTER TABLE case_side ADD COLUMN publication_entry BLOB;
