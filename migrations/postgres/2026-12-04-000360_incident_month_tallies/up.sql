-- How many incidents there are per month of occurrence, in each combination of the columns
-- incident_tallies keeps (category, organisation, sensitivity, status, verification, live),
-- kept by triggers in the same transaction as every write. A list filtered by dates sums the
-- rows of the whole months in its range (a year: twelve months of a category, about a thousand
-- rows, not a year's ten thousand incidents) and counts row by row only the days of a month
-- the range cuts. Category first: a list filters by category more often than by anything else,
-- and without one the count names every category, so the same key serves both.
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
);

INSERT INTO incident_month_tallies
SELECT category, to_char(occurred_on, 'YYYY-MM'), organization_id, sensitivity, status,
       verification, retracted_at IS NULL AND merged_into IS NULL, count(*)
FROM incidents
GROUP BY 1, 2, 3, 4, 5, 6, 7;

CREATE FUNCTION incident_month_tallies_apply() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE incident_month_tallies SET n = n - 1
        WHERE category = OLD.category AND month = to_char(OLD.occurred_on, 'YYYY-MM')
          AND organization_id = OLD.organization_id AND sensitivity = OLD.sensitivity
          AND status = OLD.status AND verification = OLD.verification
          AND live = (OLD.retracted_at IS NULL AND OLD.merged_into IS NULL);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO incident_month_tallies VALUES (
            NEW.category, to_char(NEW.occurred_on, 'YYYY-MM'), NEW.organization_id,
            NEW.sensitivity, NEW.status, NEW.verification,
            NEW.retracted_at IS NULL AND NEW.merged_into IS NULL, 1)
        ON CONFLICT (category, month, organization_id, sensitivity, status, verification, live)
        DO UPDATE SET n = incident_month_tallies.n + 1;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER incident_month_tallies_insert_delete AFTER INSERT OR DELETE ON incidents
FOR EACH ROW EXECUTE FUNCTION incident_month_tallies_apply();

CREATE TRIGGER incident_month_tallies_update AFTER UPDATE OF
    category, occurred_on, organization_id, sensitivity, status, verification, retracted_at,
    merged_into
ON incidents
FOR EACH ROW
WHEN (OLD.category IS DISTINCT FROM NEW.category
   OR date_trunc('month', OLD.occurred_on) IS DISTINCT FROM date_trunc('month', NEW.occurred_on)
   OR OLD.organization_id IS DISTINCT FROM NEW.organization_id
   OR OLD.sensitivity IS DISTINCT FROM NEW.sensitivity
   OR OLD.status IS DISTINCT FROM NEW.status
   OR OLD.verification IS DISTINCT FROM NEW.verification
   OR (OLD.retracted_at IS NULL AND OLD.merged_into IS NULL)
      IS DISTINCT FROM (NEW.retracted_at IS NULL AND NEW.merged_into IS NULL))
EXECUTE FUNCTION incident_month_tallies_apply();
