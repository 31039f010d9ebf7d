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

CREATE TRIGGER incident_tallies_insert AFTER INSERT ON incidents
BEGIN
    INSERT INTO incident_tallies VALUES (
        NEW.organization_id, NEW.sensitivity, NEW.status, NEW.category, NEW.verification,
        NEW.retracted_at IS NULL AND NEW.merged_into IS NULL, 1)
    ON CONFLICT (organization_id, sensitivity, status, category, verification, live)
    DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER incident_tallies_delete AFTER DELETE ON incidents
BEGIN
    UPDATE incident_tallies SET n = n - 1
    WHERE organization_id = OLD.organization_id AND sensitivity = OLD.sensitivity
      AND status = OLD.status AND category = OLD.category AND verification = OLD.verification
      AND live = (OLD.retracted_at IS NULL AND OLD.merged_into IS NULL);
END;

CREATE TRIGGER incident_tallies_update AFTER UPDATE OF
    organization_id, sensitivity, status, category, verification, retracted_at, merged_into
ON incidents
WHEN OLD.organization_id IS NOT NEW.organization_id OR OLD.sensitivity IS NOT NEW.sensitivity
  OR OLD.status IS NOT NEW.status OR OLD.category IS NOT NEW.category
  OR OLD.verification IS NOT NEW.verification
  OR (OLD.retracted_at IS NULL AND OLD.merged_into IS NULL)
     IS NOT (NEW.retracted_at IS NULL AND NEW.merged_into IS NULL)
BEGIN
    UPDATE incident_tallies SET n = n - 1
    WHERE organization_id = OLD.organization_id AND sensitivity = OLD.sensitivity
      AND status = OLD.status AND category = OLD.category AND verification = OLD.verification
      AND live = (OLD.retracted_at IS NULL AND OLD.merged_into IS NULL);
    INSERT INTO incident_tallies VALUES (
        NEW.organization_id, NEW.sensitivity, NEW.status, NEW.category, NEW.verification,
        NEW.retracted_at IS NULL AND NEW.merged_into IS NULL, 1)
    ON CONFLICT (organization_id, sensitivity, status, category, verification, live)
    DO UPDATE SET n = n + 1;
END;
