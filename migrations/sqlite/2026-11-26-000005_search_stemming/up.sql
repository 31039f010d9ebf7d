-- Search matches whole words after Porter stemming ("convoys" finds "convoy") instead of every
-- word as a prefix: prefix queries on common words read whole posting lists. Rebuilt from the
-- old index, which holds the same text.
CREATE VIRTUAL TABLE incidents_fts_stemmed USING fts5(
    reference, title, narrative, places,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO incidents_fts_stemmed (rowid, reference, title, narrative, places)
    SELECT rowid, reference, title, narrative, places FROM incidents_fts;
DROP TABLE incidents_fts;
ALTER TABLE incidents_fts_stemmed RENAME TO incidents_fts;
