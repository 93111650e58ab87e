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
