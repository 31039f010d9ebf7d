DROP TRIGGER IF EXISTS incidents_search_scope;
CREATE VIRTUAL TABLE incidents_fts_unscoped USING fts5(
    reference, title, narrative, places,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO incidents_fts_unscoped (rowid, reference, title, narrative, places)
SELECT rowid, reference, title, narrative, places FROM incidents_fts;
DROP TABLE incidents_fts;
ALTER TABLE incidents_fts_unscoped RENAME TO incidents_fts;
DROP VIEW IF EXISTS incident_search_scope;
