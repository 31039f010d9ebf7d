DROP TABLE revisions;
DROP TABLE claims;
DROP TABLE incidents;
DROP TABLE reference_counters;
DROP TABLE locations;
