DROP TABLE revisions;
DROP TABLE claims;
DROP TABLE incidents_fts;
DROP TABLE incidents;
DROP TABLE reference_counters;
DROP TABLE locations;
