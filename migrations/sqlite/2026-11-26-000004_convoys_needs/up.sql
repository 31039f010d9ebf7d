-- Convoys: from plan to outcome. Status follows the Logistics Cluster lifecycle; every
-- change is an event with a date, a place and a note.
CREATE TABLE convoys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    origin_id INTEGER NOT NULL REFERENCES locations (id),
    destination_id INTEGER NOT NULL REFERENCES locations (id),
    planned_departure TEXT NOT NULL,
    route TEXT NOT NULL DEFAULT '',
    trucks INTEGER NOT NULL CHECK (trucks > 0),
    beneficiaries INTEGER CHECK (beneficiaries >= 0),
    notification_ref TEXT NOT NULL DEFAULT '',
    sensitivity TEXT NOT NULL,
    status TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL REFERENCES users (id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX convoys_departure_idx ON convoys (planned_departure, id);
CREATE INDEX convoys_status_idx ON convoys (status, planned_departure);
CREATE INDEX convoys_org_idx ON convoys (organization_id, planned_departure);
CREATE INDEX convoys_destination_idx ON convoys (destination_id, planned_departure);

-- Other organisations taking part.
CREATE TABLE convoy_organizations (
    convoy_id INTEGER NOT NULL REFERENCES convoys (id),
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (convoy_id, organization_id)
);

-- What the trucks carry, and what arrived: delivered may be less than loaded; removed is what
-- was taken off at checkpoints.
CREATE TABLE cargo_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    convoy_id INTEGER NOT NULL REFERENCES convoys (id),
    position INTEGER NOT NULL,
    item TEXT NOT NULL,
    sector TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit TEXT NOT NULL,
    weight_kg REAL CHECK (weight_kg >= 0),
    delivered_quantity INTEGER CHECK (delivered_quantity >= 0),
    removed_quantity INTEGER CHECK (removed_quantity >= 0),
    removal_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cargo_lines_convoy_idx ON cargo_lines (convoy_id, position);

CREATE TABLE convoy_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    convoy_id INTEGER NOT NULL REFERENCES convoys (id),
    occurred_on TEXT NOT NULL,
    occurred_time TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    location_id INTEGER REFERENCES locations (id),
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX convoy_events_convoy_idx ON convoy_events (convoy_id, id);

-- A blocked convoy is an access incident too: linked, never entered twice. `event_id` is the
-- event the incident records (unique, so one event never yields two incidents).
CREATE TABLE convoy_incidents (
    convoy_id INTEGER NOT NULL REFERENCES convoys (id),
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    event_id INTEGER REFERENCES convoy_events (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (convoy_id, incident_id)
);
CREATE UNIQUE INDEX convoy_incidents_event_key ON convoy_incidents (event_id);
CREATE INDEX convoy_incidents_incident_idx ON convoy_incidents (incident_id);

-- Medical-supply needs of facilities. Quantity delivered and status follow from deliveries.
CREATE TABLE needs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    facility_name TEXT NOT NULL,
    facility_type TEXT NOT NULL,
    location_id INTEGER NOT NULL REFERENCES locations (id),
    item TEXT NOT NULL,
    item_detail TEXT NOT NULL DEFAULT '',
    quantity_needed INTEGER NOT NULL CHECK (quantity_needed > 0),
    unit TEXT NOT NULL,
    urgency TEXT NOT NULL,
    urgency_rank INTEGER NOT NULL,
    needed_by TEXT,
    status TEXT NOT NULL,
    quantity_delivered INTEGER NOT NULL DEFAULT 0,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    sensitivity TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL REFERENCES users (id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- Critical and overdue first: open needs by urgency, then date needed.
CREATE INDEX needs_priority_idx ON needs (status, urgency_rank, needed_by);
CREATE INDEX needs_location_idx ON needs (location_id);
CREATE INDEX needs_item_idx ON needs (item, urgency_rank);

-- Delivered cargo set against needs.
CREATE TABLE need_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    need_id INTEGER NOT NULL REFERENCES needs (id),
    convoy_id INTEGER NOT NULL REFERENCES convoys (id),
    cargo_line_id INTEGER NOT NULL REFERENCES cargo_lines (id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX need_deliveries_need_idx ON need_deliveries (need_id);
CREATE INDEX need_deliveries_convoy_idx ON need_deliveries (convoy_id);
