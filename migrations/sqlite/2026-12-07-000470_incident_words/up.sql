-- PostgreSQL's search gains a table of each incident's words, read newest first (see the
-- PostgreSQL migration of the same name). SQLite's word index (FTS5) gives its matches newest
-- first already: nothing to change here.
SELECT 1;
