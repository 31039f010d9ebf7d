-- How many incidents there are in each governorate and in each district (admin1, admin2, as
-- their places name them), in each combination of the columns incident_tallies keeps, kept by
-- triggers in the same transaction as every write: on incidents (insert, delete, a change of
-- place or of a tallied column) and on places (a corrected governorate or district moves the
-- place's incidents to the new area's rows). A list filtered to a governorate sums its rows
-- (Aleppo in the benchmark: some nine hundred rows, not 160,000 incidents read for their
-- visibility), a list filtered to a district its district's, and the map sums the
-- governorates' rows instead of counting every incident per place.
-- Governorates apart from districts: the map reads every governorate's rows, a fifth as many
-- as the districts' here (33 districts in 7 governorates); grouping the districts' rows by
-- governorate took 2 ms at a million incidents on SQLite, half the map's time (6.5 ms on
-- PostgreSQL, which read both levels' rows when they shared a table). Keyed by area, not by
-- place: a place key held 230,000 rows (as many combinations per place as per area). A list
-- filtered to one place is still counted row by row, by the place index.
-- WITHOUT ROWID: a sum reads the rows in key order, with no second lookup for `n`.
CREATE TABLE incident_governorate_tallies (
    admin1 TEXT NOT NULL,
    category TEXT NOT NULL,
    organization_id BIGINT NOT NULL,
    sensitivity TEXT NOT NULL,
    status TEXT NOT NULL,
    verification TEXT NOT NULL,
    live BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (admin1, category, organization_id, sensitivity, status, verification, live)
) WITHOUT ROWID;

CREATE TABLE incident_district_tallies (
    admin1 TEXT NOT NULL,
    admin2 TEXT NOT NULL,
    category TEXT NOT NULL,
    organization_id BIGINT NOT NULL,
    sensitivity TEXT NOT NULL,
    status TEXT NOT NULL,
    verification TEXT NOT NULL,
    live BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (admin1, admin2, category, organization_id, sensitivity, status, verification,
                 live)
) WITHOUT ROWID;

INSERT INTO incident_district_tallies
SELECT l.admin1, l.admin2, i.category, i.organization_id, i.sensitivity, i.status,
       i.verification, i.retracted_at IS NULL AND i.merged_into IS NULL, count(*)
FROM incidents i JOIN locations l ON l.id = i.location_id
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

INSERT INTO incident_governorate_tallies
SELECT admin1, category, organization_id, sensitivity, status, verification, live, sum(n)
FROM incident_district_tallies
GROUP BY 1, 2, 3, 4, 5, 6, 7;

CREATE TRIGGER incident_area_tallies_insert AFTER INSERT ON incidents
BEGIN
    -- `WHERE` before `ON CONFLICT`: SQLite would otherwise read `ON` as a join's.
    INSERT INTO incident_district_tallies
    SELECT admin1, admin2, NEW.category, NEW.organization_id, NEW.sensitivity, NEW.status,
           NEW.verification, NEW.retracted_at IS NULL AND NEW.merged_into IS NULL, 1
    FROM locations WHERE id = NEW.location_id
    ON CONFLICT (admin1, admin2, category, organization_id, sensitivity, status, verification,
                 live)
    DO UPDATE SET n = n + 1;
    INSERT INTO incident_governorate_tallies
    SELECT admin1, NEW.category, NEW.organization_id, NEW.sensitivity, NEW.status,
           NEW.verification, NEW.retracted_at IS NULL AND NEW.merged_into IS NULL, 1
    FROM locations WHERE id = NEW.location_id
    ON CONFLICT (admin1, category, organization_id, sensitivity, status, verification, live)
    DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER incident_area_tallies_delete AFTER DELETE ON incidents
BEGIN
    UPDATE incident_district_tallies SET n = n - 1
    WHERE (admin1, admin2) = (SELECT admin1, admin2 FROM locations WHERE id = OLD.location_id)
      AND category = OLD.category AND organization_id = OLD.organization_id
      AND sensitivity = OLD.sensitivity AND status = OLD.status
      AND verification = OLD.verification
      AND live = (OLD.retracted_at IS NULL AND OLD.merged_into IS NULL);
    UPDATE incident_governorate_tallies SET n = n - 1
    WHERE admin1 = (SELECT admin1 FROM locations WHERE id = OLD.location_id)
      AND category = OLD.category AND organization_id = OLD.organization_id
      AND sensitivity = OLD.sensitivity AND status = OLD.status
      AND verification = OLD.verification
      AND live = (OLD.retracted_at IS NULL AND OLD.merged_into IS NULL);
END;

CREATE TRIGGER incident_area_tallies_update AFTER UPDATE OF
    location_id, category, organization_id, sensitivity, status, verification, retracted_at,
    merged_into
ON incidents
WHEN OLD.location_id IS NOT NEW.location_id OR OLD.category IS NOT NEW.category
  OR OLD.organization_id IS NOT NEW.organization_id OR OLD.sensitivity IS NOT NEW.sensitivity
  OR OLD.status IS NOT NEW.status OR OLD.verification IS NOT NEW.verification
  OR (OLD.retracted_at IS NULL AND OLD.merged_into IS NULL)
     IS NOT (NEW.retracted_at IS NULL AND NEW.merged_into IS NULL)
BEGIN
    UPDATE incident_district_tallies SET n = n - 1
    WHERE (admin1, admin2) = (SELECT admin1, admin2 FROM locations WHERE id = OLD.location_id)
      AND category = OLD.category AND organization_id = OLD.organization_id
      AND sensitivity = OLD.sensitivity AND status = OLD.status
      AND verification = OLD.verification
      AND live = (OLD.retracted_at IS NULL AND OLD.merged_into IS NULL);
    UPDATE incident_governorate_tallies SET n = n - 1
    WHERE admin1 = (SELECT admin1 FROM locations WHERE id = OLD.location_id)
      AND category = OLD.category AND organization_id = OLD.organization_id
      AND sensitivity = OLD.sensitivity AND status = OLD.status
      AND verification = OLD.verification
      AND live = (OLD.retracted_at IS NULL AND OLD.merged_into IS NULL);
    INSERT INTO incident_district_tallies
    SELECT admin1, admin2, NEW.category, NEW.organization_id, NEW.sensitivity, NEW.status,
           NEW.verification, NEW.retracted_at IS NULL AND NEW.merged_into IS NULL, 1
    FROM locations WHERE id = NEW.location_id
    ON CONFLICT (admin1, admin2, category, organization_id, sensitivity, status, verification,
                 live)
    DO UPDATE SET n = n + 1;
    INSERT INTO incident_governorate_tallies
    SELECT admin1, NEW.category, NEW.organization_id, NEW.sensitivity, NEW.status,
           NEW.verification, NEW.retracted_at IS NULL AND NEW.merged_into IS NULL, 1
    FROM locations WHERE id = NEW.location_id
    ON CONFLICT (admin1, category, organization_id, sensitivity, status, verification, live)
    DO UPDATE SET n = n + 1;
END;

-- A place's governorate or district corrected: its incidents leave the old area's rows (its
-- district's and its governorate's) and join the new one's (rare, an administrator's edit; one
-- grouped read of the place's incidents each way and level).
CREATE TRIGGER incident_area_tallies_place AFTER UPDATE OF admin1, admin2 ON locations
WHEN OLD.admin1 IS NOT NEW.admin1 OR OLD.admin2 IS NOT NEW.admin2
BEGIN
    UPDATE incident_district_tallies SET n = n - moved.c
    FROM (SELECT category, organization_id, sensitivity, status, verification,
                 retracted_at IS NULL AND merged_into IS NULL AS live, count(*) AS c
          FROM incidents WHERE location_id = OLD.id
          GROUP BY 1, 2, 3, 4, 5, 6) AS moved
    WHERE incident_district_tallies.admin1 = OLD.admin1
      AND incident_district_tallies.admin2 = OLD.admin2
      AND incident_district_tallies.category = moved.category
      AND incident_district_tallies.organization_id = moved.organization_id
      AND incident_district_tallies.sensitivity = moved.sensitivity
      AND incident_district_tallies.status = moved.status
      AND incident_district_tallies.verification = moved.verification
      AND incident_district_tallies.live = moved.live;
    UPDATE incident_governorate_tallies SET n = n - moved.c
    FROM (SELECT category, organization_id, sensitivity, status, verification,
                 retracted_at IS NULL AND merged_into IS NULL AS live, count(*) AS c
          FROM incidents WHERE location_id = OLD.id
          GROUP BY 1, 2, 3, 4, 5, 6) AS moved
    WHERE incident_governorate_tallies.admin1 = OLD.admin1
      AND incident_governorate_tallies.category = moved.category
      AND incident_governorate_tallies.organization_id = moved.organization_id
      AND incident_governorate_tallies.sensitivity = moved.sensitivity
      AND incident_governorate_tallies.status = moved.status
      AND incident_governorate_tallies.verification = moved.verification
      AND incident_governorate_tallies.live = moved.live;
    INSERT INTO incident_district_tallies
    SELECT NEW.admin1, NEW.admin2, category, organization_id, sensitivity, status, verification,
           retracted_at IS NULL AND merged_into IS NULL, count(*)
    FROM incidents WHERE location_id = NEW.id
    GROUP BY 3, 4, 5, 6, 7, 8
    ON CONFLICT (admin1, admin2, category, organization_id, sensitivity, status, verification,
                 live)
    DO UPDATE SET n = n + excluded.n;
    INSERT INTO incident_governorate_tallies
    SELECT NEW.admin1, category, organization_id, sensitivity, status, verification,
           retracted_at IS NULL AND merged_into IS NULL, count(*)
    FROM incidents WHERE location_id = NEW.id
    GROUP BY 2, 3, 4, 5, 6, 7
    ON CONFLICT (admin1, category, organization_id, sensitivity, status, verification, live)
    DO UPDATE SET n = n + excluded.n;
END;
