-- Incidents per governorate by the columns the visibility rule and liveness read alone
-- (organisation, sensitivity, status, live): the governorate tallies summed over category and
-- verification, 252 rows where those hold 6,564 in the benchmark's million. The map of a list
-- filtered by neither (the unfiltered map everyone opens) and a governorate's count filtered
-- by neither sum these: reading the governorate tallies was a third of the map's time at a
-- million (0.76 ms of SQLite's time for the coordinator's sums).
-- Kept from the governorate tallies themselves, by triggers on them: every change to one of
-- their rows is added to its total in the same statement, so the totals follow whatever moves
-- the tallies (a record written, retracted, merged or moved; a place corrected) and cannot
-- disagree with them.
CREATE TABLE incident_governorate_totals (
    admin1 TEXT NOT NULL,
    organization_id BIGINT NOT NULL,
    sensitivity TEXT NOT NULL,
    status TEXT NOT NULL,
    live BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (admin1, organization_id, sensitivity, status, live)
) WITHOUT ROWID;

INSERT INTO incident_governorate_totals
SELECT admin1, organization_id, sensitivity, status, live, sum(n)
FROM incident_governorate_tallies
GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER incident_governorate_totals_insert AFTER INSERT ON incident_governorate_tallies
BEGIN
    INSERT INTO incident_governorate_totals
    VALUES (NEW.admin1, NEW.organization_id, NEW.sensitivity, NEW.status, NEW.live, NEW.n)
    ON CONFLICT (admin1, organization_id, sensitivity, status, live)
    DO UPDATE SET n = n + excluded.n;
END;

-- The tallies' upserts (`DO UPDATE SET n = n + 1`) fire this too.
CREATE TRIGGER incident_governorate_totals_update AFTER UPDATE ON incident_governorate_tallies
BEGIN
    UPDATE incident_governorate_totals SET n = n - OLD.n
    WHERE admin1 = OLD.admin1 AND organization_id = OLD.organization_id
      AND sensitivity = OLD.sensitivity AND status = OLD.status AND live = OLD.live;
    INSERT INTO incident_governorate_totals
    VALUES (NEW.admin1, NEW.organization_id, NEW.sensitivity, NEW.status, NEW.live, NEW.n)
    ON CONFLICT (admin1, organization_id, sensitivity, status, live)
    DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER incident_governorate_totals_delete AFTER DELETE ON incident_governorate_tallies
BEGIN
    UPDATE incident_governorate_totals SET n = n - OLD.n
    WHERE admin1 = OLD.admin1 AND organization_id = OLD.organization_id
      AND sensitivity = OLD.sensitivity AND status = OLD.status AND live = OLD.live;
END;
