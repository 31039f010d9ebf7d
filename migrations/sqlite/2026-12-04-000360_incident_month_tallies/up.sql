-- How many incidents there are per month of occurrence, in each combination of the columns
-- incident_tallies keeps (category, organisation, sensitivity, status, verification, live),
-- kept by triggers in the same transaction as every write. A list filtered by dates sums the
-- rows of the whole months in its range (a year: twelve months of a category, about a thousand
-- rows, not a year's ten thousand incidents) and counts row by row only the days of a month
-- the range cuts. Category first: a list filters by category more often than by anything else,
-- and without one the count names every category, so the same key serves both.
-- WITHOUT ROWID: the sum reads the rows in key order, with no second lookup for `n`.
CREATE TABLE incident_month_tallies (
    category TEXT NOT NULL,
    -- The month the incident occurred in, 'YYYY-MM'.
    month TEXT NOT NULL,
    organization_id BIGINT NOT NULL,
    sensitivity TEXT NOT NULL,
    status TEXT NOT NULL,
    verification TEXT NOT NULL,
    live BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (category, month, organization_id, sensitivity, status, verification, live)
) WITHOUT ROWID;

INSERT INTO incident_month_tallies
SELECT category, substr(occurred_on, 1, 7), organization_id, sensitivity, status, verification,
       retracted_at IS NULL AND merged_into IS NULL, count(*)
FROM incidents
GROUP BY 1, 2, 3, 4, 5, 6, 7;

CREATE TRIGGER incident_month_tallies_insert AFTER INSERT ON incidents
BEGIN
    INSERT INTO incident_month_tallies VALUES (
        NEW.category, substr(NEW.occurred_on, 1, 7), NEW.organization_id, NEW.sensitivity,
        NEW.status, NEW.verification, NEW.retracted_at IS NULL AND NEW.merged_into IS NULL, 1)
    ON CONFLICT (category, month, organization_id, sensitivity, status, verification, live)
    DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER incident_month_tallies_delete AFTER DELETE ON incidents
BEGIN
    UPDATE incident_month_tallies SET n = n - 1
    WHERE category = OLD.category AND month = substr(OLD.occurred_on, 1, 7)
      AND organization_id = OLD.organization_id AND sensitivity = OLD.sensitivity
      AND status = OLD.status AND verification = OLD.verification
      AND live = (OLD.retracted_at IS NULL AND OLD.merged_into IS NULL);
END;

CREATE TRIGGER incident_month_tallies_update AFTER UPDATE OF
    category, occurred_on, organization_id, sensitivity, status, verification, retracted_at,
    merged_into
ON incidents
WHEN OLD.category IS NOT NEW.category
  OR substr(OLD.occurred_on, 1, 7) IS NOT substr(NEW.occurred_on, 1, 7)
  OR OLD.organization_id IS NOT NEW.organization_id OR OLD.sensitivity IS NOT NEW.sensitivity
  OR OLD.status IS NOT NEW.status OR OLD.verification IS NOT NEW.verification
  OR (OLD.retracted_at IS NULL AND OLD.merged_into IS NULL)
     IS NOT (NEW.retracted_at IS NULL AND NEW.merged_into IS NULL)
BEGIN
    UPDATE incident_month_tallies SET n = n - 1
    WHERE category = OLD.category AND month = substr(OLD.occurred_on, 1, 7)
      AND organization_id = OLD.organization_id AND sensitivity = OLD.sensitivity
      AND status = OLD.status AND verification = OLD.verification
      AND live = (OLD.retracted_at IS NULL AND OLD.merged_into IS NULL);
    INSERT INTO incident_month_tallies VALUES (
        NEW.category, substr(NEW.occurred_on, 1, 7), NEW.organization_id, NEW.sensitivity,
        NEW.status, NEW.verification, NEW.retracted_at IS NULL AND NEW.merged_into IS NULL, 1)
    ON CONFLICT (category, month, organization_id, sensitivity, status, verification, live)
    DO UPDATE SET n = n + 1;
END;
