-- How many incidents there are in each combination of the columns the list filters on and the
-- visibility rules read (organisation, sensitivity, status), kept by triggers in the same
-- transaction as every insert, update and delete, so an unfiltered or simply filtered list
-- counts a few hundred rows, not a million, and the count stays exact.
CREATE TABLE incident_tallies (
    organization_id BIGINT NOT NULL,
    sensitivity TEXT NOT NULL,
    status TEXT NOT NULL,
    category TEXT NOT NULL,
    verification TEXT NOT NULL,
    -- Neither retracted nor merged into another record (what lists show by default).
    live BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (organization_id, sensitivity, status, category, verification, live)
);

INSERT INTO incident_tallies
SELECT organization_id, sensitivity, status, category, verification,
       retracted_at IS NULL AND merged_into IS NULL, count(*)
FROM incidents
GROUP BY 1, 2, 3, 4, 5, 6;

CREATE FUNCTION incident_tallies_apply() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE incident_tallies SET n = n - 1
        WHERE organization_id = OLD.organization_id AND sensitivity = OLD.sensitivity
          AND status = OLD.status AND category = OLD.category
          AND verification = OLD.verification
          AND live = (OLD.retracted_at IS NULL AND OLD.merged_into IS NULL);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO incident_tallies VALUES (
            NEW.organization_id, NEW.sensitivity, NEW.status, NEW.category, NEW.verification,
            NEW.retracted_at IS NULL AND NEW.merged_into IS NULL, 1)
        ON CONFLICT (organization_id, sensitivity, status, category, verification, live)
        DO UPDATE SET n = incident_tallies.n + 1;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER incident_tallies_insert_delete AFTER INSERT OR DELETE ON incidents
FOR EACH ROW EXECUTE FUNCTION incident_tallies_apply();

CREATE TRIGGER incident_tallies_update AFTER UPDATE OF
    organization_id, sensitivity, status, category, verification, retracted_at, merged_into
ON incidents
FOR EACH ROW
WHEN (OLD.organization_id IS DISTINCT FROM NEW.organization_id
   OR OLD.sensitivity IS DISTINCT FROM NEW.sensitivity
   OR OLD.status IS DISTINCT FROM NEW.status
   OR OLD.category IS DISTINCT FROM NEW.category
   OR OLD.verification IS DISTINCT FROM NEW.verification
   OR (OLD.retracted_at IS NULL AND OLD.merged_into IS NULL)
      IS DISTINCT FROM (NEW.retracted_at IS NULL AND NEW.merged_into IS NULL))
EXECUTE FUNCTION incident_tallies_apply();
