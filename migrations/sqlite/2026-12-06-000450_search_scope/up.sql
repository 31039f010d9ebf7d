-- The word index carries, for each incident only some may read, the facts that hide it, so
-- that a search tests the reader's scope inside the index instead of reading every match's
-- row (for a reporter's search for common words, a thousand rows read to test three
-- columns). An incident is hidden from other organisations when it is confidential or a
-- draft (`permissions::visible_sql`); such an entry holds the words `hidden` and `org<its
-- organisation>` in the column `scope`, which no typed word is matched against
-- (`incidents::search::fts5_query`), and `permissions::search_scope` asks for it. Every
-- other entry leaves `scope` empty.
--
-- `incident_search_scope` spells the words once, for the index's writer
-- (`incidents::search::write`) and for the trigger below, which rewrites them whenever an
-- incident's organisation, sensitivity or status changes, by whatever writer.
CREATE VIEW incident_search_scope AS
SELECT id,
       CASE WHEN sensitivity = 'confidential' OR status = 'draft'
            THEN 'hidden org' || organization_id
            ELSE '' END AS words
FROM incidents;

CREATE VIRTUAL TABLE incidents_fts_scoped USING fts5(
    reference, title, narrative, places, scope,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO incidents_fts_scoped (rowid, reference, title, narrative, places, scope)
SELECT f.rowid, f.reference, f.title, f.narrative, f.places, coalesce(s.words, '')
FROM incidents_fts f LEFT JOIN incident_search_scope s ON s.id = f.rowid;
DROP TABLE incidents_fts;
ALTER TABLE incidents_fts_scoped RENAME TO incidents_fts;

CREATE TRIGGER incidents_search_scope AFTER UPDATE OF organization_id, sensitivity, status
ON incidents
BEGIN
    UPDATE incidents_fts
    SET scope = (SELECT words FROM incident_search_scope WHERE id = NEW.id)
    WHERE rowid = NEW.id;
END;
