DROP TRIGGER IF EXISTS incident_words_inserted ON incidents;
DROP TRIGGER IF EXISTS incident_words_updated ON incidents;
DROP TRIGGER IF EXISTS incident_words_deleted ON incidents;
DROP FUNCTION IF EXISTS incident_words_kept();
DROP TABLE IF EXISTS incident_words;
DROP FUNCTION IF EXISTS incident_words_restricted_to(BIGINT, TEXT, TEXT);
