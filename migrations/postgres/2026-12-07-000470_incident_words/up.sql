-- Each incident's indexed words, one row a word, in a b-tree by word and record number: a
-- search's newest matches are read from it newest first, stopping at the last one wanted, as
-- SQLite's word index gives them (`incidents::search::newest_by_words`). The GIN index of
-- `search_vector` yields every match of a word at once and in no order, so a search for
-- common words ("convoy checkpoint", a tenth of a million records) either sorted a hundred
-- thousand matches or walked the newest records testing each (about a microsecond a record).
-- The words compare byte by byte ("C"): only equality is asked of them.
--
-- Each row also carries the fact that hides its incident, as SQLite's word index does
-- (migration 450): `restricted_to` is the incident's organisation when it is confidential or a
-- draft (the only organisation whose reporters may read it, `permissions::visible_sql`), and
-- empty otherwise, so a reporter's search tests its scope in the key's own pages instead of
-- reading a thousand incident rows (`permissions::SearchScope`).
--
-- A trigger keeps the rows from the incident's row in the transaction that writes it, by
-- whatever writer, so they never disagree with it.
CREATE FUNCTION incident_words_restricted_to(organization_id BIGINT, sensitivity TEXT, status TEXT)
RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN sensitivity = 'confidential' OR status = 'draft' THEN organization_id END
$$;

CREATE TABLE incident_words (
    word TEXT COLLATE "C" NOT NULL,
    incident_id BIGINT NOT NULL,
    restricted_to BIGINT
);

-- Filled first and keyed after: one sorted build of the key instead of a b-tree insert a row.
INSERT INTO incident_words (word, incident_id, restricted_to)
SELECT w.word, i.id, incident_words_restricted_to(i.organization_id, i.sensitivity, i.status)
  FROM incidents AS i, unnest(tsvector_to_array(i.search_vector)) AS w(word)
 WHERE i.search_vector IS NOT NULL;
ALTER TABLE incident_words ADD PRIMARY KEY (word, incident_id) INCLUDE (restricted_to);
-- Words are many and unevenly common: a larger sample tells the planner how many rows each
-- has (with the default, "convoy" was guessed at 2,377 rows of its 100,176).
ALTER TABLE incident_words ALTER COLUMN word SET STATISTICS 1000;

-- Rows are found by their words (the key's first column), never by a scan for the record. A
-- record's first words (a new record's, written just after its row) are one insert, the
-- cheapest way: each statement a trigger runs costs more than the rows it writes.
CREATE FUNCTION incident_words_kept() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_words TEXT[];
    new_words TEXT[];
    old_restricted BIGINT;
    new_restricted BIGINT;
BEGIN
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR OLD.search_vector IS NULL) THEN
        INSERT INTO incident_words (word, incident_id, restricted_to)
        SELECT w, NEW.id,
               incident_words_restricted_to(NEW.organization_id, NEW.sensitivity, NEW.status)
          FROM unnest(tsvector_to_array(NEW.search_vector)) AS w;
        RETURN NULL;
    END IF;
    old_words := coalesce(tsvector_to_array(OLD.search_vector), '{}');
    old_restricted := incident_words_restricted_to(OLD.organization_id, OLD.sensitivity, OLD.status);
    new_words := '{}';
    IF TG_OP <> 'DELETE' THEN
        new_words := coalesce(tsvector_to_array(NEW.search_vector), '{}');
        new_restricted := incident_words_restricted_to(NEW.organization_id, NEW.sensitivity, NEW.status);
    END IF;
    IF old_restricted IS DISTINCT FROM new_restricted THEN
        UPDATE incident_words SET restricted_to = new_restricted
         WHERE word = ANY (old_words) AND word = ANY (new_words) AND incident_id = OLD.id;
    END IF;
    IF old_words <> new_words THEN
        DELETE FROM incident_words
         WHERE word = ANY (old_words) AND NOT word = ANY (new_words) AND incident_id = OLD.id;
        INSERT INTO incident_words (word, incident_id, restricted_to)
        SELECT w, NEW.id, new_restricted FROM unnest(new_words) AS w WHERE NOT w = ANY (old_words);
    END IF;
    RETURN NULL;
END;
$$;
-- Fired only when the words or the facts that hide the incident change: the other writes of
-- an incident (a verification, a figure) pay nothing.
CREATE TRIGGER incident_words_inserted AFTER INSERT ON incidents
    FOR EACH ROW WHEN (NEW.search_vector IS NOT NULL) EXECUTE FUNCTION incident_words_kept();
CREATE TRIGGER incident_words_updated
    AFTER UPDATE OF search_vector, organization_id, sensitivity, status ON incidents
    FOR EACH ROW WHEN (OLD.search_vector IS DISTINCT FROM NEW.search_vector
                       OR OLD.organization_id IS DISTINCT FROM NEW.organization_id
                       OR OLD.sensitivity IS DISTINCT FROM NEW.sensitivity
                       OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION incident_words_kept();
CREATE TRIGGER incident_words_deleted AFTER DELETE ON incidents
    FOR EACH ROW EXECUTE FUNCTION incident_words_kept();

ANALYZE incident_words;
