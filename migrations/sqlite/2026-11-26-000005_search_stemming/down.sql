CREATE VIRTUAL TABLE incidents_fts_plain USING fts5(
    reference, title, narrative, places,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO incidents_fts_plain (rowid, reference, title, narrative, places)
    SELECT rowid, reference, title, narrative, places FROM incidents_fts;
DROP TABLE incidents_fts;
ALTER TABLE incidents_fts_plain RENAME TO incidents_fts;
