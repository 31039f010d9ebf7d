-- The gazetteer: places with their admin areas, optional p-code and coordinates, and the
-- other spellings people use (one per line), which search also looks at.
CREATE TABLE locations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    alt_names TEXT NOT NULL DEFAULT '',
    country_code TEXT NOT NULL DEFAULT '',
    admin1 TEXT NOT NULL DEFAULT '',
    admin2 TEXT NOT NULL DEFAULT '',
    admin3 TEXT NOT NULL DEFAULT '',
    pcode TEXT NOT NULL DEFAULT '',
    latitude REAL CHECK (latitude BETWEEN -90 AND 90),
    longitude REAL CHECK (longitude BETWEEN -180 AND 180),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX locations_name_idx ON locations (lower(name));
CREATE INDEX locations_admin_idx ON locations (admin1, admin2);

-- Human-readable references (INC-2026-000123): one counter per prefix and year, never reset.
CREATE TABLE reference_counters (
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_value INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE incidents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    narrative TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL,
    attack_types TEXT NOT NULL DEFAULT '',
    resources_affected TEXT NOT NULL DEFAULT '',
    occurred_on TEXT NOT NULL,
    time_precision TEXT NOT NULL,
    occurred_time TEXT NOT NULL DEFAULT '',
    reported_on TEXT NOT NULL,
    location_id INTEGER NOT NULL REFERENCES locations (id),
    location_precision TEXT NOT NULL,
    perpetrator_type TEXT NOT NULL,
    perpetrator_name TEXT NOT NULL DEFAULT '',
    civilians_killed INTEGER CHECK (civilians_killed >= 0),
    civilians_injured INTEGER CHECK (civilians_injured >= 0),
    aid_killed_national INTEGER CHECK (aid_killed_national >= 0),
    aid_killed_international INTEGER CHECK (aid_killed_international >= 0),
    aid_injured_national INTEGER CHECK (aid_injured_national >= 0),
    aid_injured_international INTEGER CHECK (aid_injured_international >= 0),
    aid_kidnapped_national INTEGER CHECK (aid_kidnapped_national >= 0),
    aid_kidnapped_international INTEGER CHECK (aid_kidnapped_international >= 0),
    aid_detained_national INTEGER CHECK (aid_detained_national >= 0),
    aid_detained_international INTEGER CHECK (aid_detained_international >= 0),
    people_affected INTEGER CHECK (people_affected >= 0),
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    created_by INTEGER NOT NULL REFERENCES users (id),
    sensitivity TEXT NOT NULL,
    verification TEXT NOT NULL DEFAULT 'unverified',
    status TEXT NOT NULL,
    retracted_at TEXT,
    retraction_reason TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- The list's usual questions, newest first: by date, category, organisation, place, status.
CREATE INDEX incidents_occurred_idx ON incidents (occurred_on, id);
CREATE INDEX incidents_category_idx ON incidents (category, occurred_on);
CREATE INDEX incidents_org_idx ON incidents (organization_id, occurred_on);
CREATE INDEX incidents_location_idx ON incidents (location_id, occurred_on);
CREATE INDEX incidents_queue_idx ON incidents (status, verification, updated_at);
CREATE INDEX incidents_updated_idx ON incidents (updated_at);

-- Full-text index over reference, title, narrative and every name of the place (kept in step
-- by the application inside each writing transaction).
CREATE VIRTUAL TABLE incidents_fts USING fts5(
    reference, title, narrative, places,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Claims: who said what, when, graded (Admiralty: reliability A-F, credibility 1-6).
CREATE TABLE claims (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    source_type TEXT NOT NULL,
    source_name TEXT NOT NULL DEFAULT '',
    reliability TEXT NOT NULL,
    credibility TEXT NOT NULL,
    claimed_on TEXT NOT NULL,
    statement TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX claims_incident_idx ON claims (incident_id);

-- Revisions of any record (incidents now; convoys and needs later): what changed, from which
-- value to which, who, when and why, with a full snapshot after the change.
CREATE TABLE revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_type TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    revision_no INTEGER NOT NULL,
    action TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    changes TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    actor_user_id INTEGER,
    actor_label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (entity_type, entity_id, revision_no)
);
CREATE INDEX revisions_recent_idx ON revisions (created_at);
