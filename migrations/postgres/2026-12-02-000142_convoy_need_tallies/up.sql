-- Convoys and needs per combination of the columns their lists filter on and the visibility
-- rules read, kept by triggers in the same transaction as every write (as incident_tallies):
-- a list counts a few dozen tally rows, not every convoy or need, and the count stays exact.

CREATE TABLE convoy_tallies (
    organization_id BIGINT NOT NULL,
    sensitivity TEXT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (organization_id, sensitivity, status)
);

INSERT INTO convoy_tallies
SELECT organization_id, sensitivity, status, count(*) FROM convoys GROUP BY 1, 2, 3;

CREATE FUNCTION convoy_tallies_apply() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE convoy_tallies SET n = n - 1 WHERE organization_id = OLD.organization_id AND sensitivity = OLD.sensitivity AND status = OLD.status;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO convoy_tallies VALUES (NEW.organization_id, NEW.sensitivity, NEW.status, 1)
        ON CONFLICT (organization_id, sensitivity, status) DO UPDATE SET n = convoy_tallies.n + 1;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER convoy_tallies_insert_delete AFTER INSERT OR DELETE ON convoys
FOR EACH ROW EXECUTE FUNCTION convoy_tallies_apply();

CREATE TRIGGER convoy_tallies_update AFTER UPDATE OF organization_id, sensitivity, status ON convoys
FOR EACH ROW WHEN (OLD.organization_id IS DISTINCT FROM NEW.organization_id OR OLD.sensitivity IS DISTINCT FROM NEW.sensitivity OR OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION convoy_tallies_apply();

CREATE TABLE need_tallies (
    organization_id BIGINT NOT NULL,
    sensitivity TEXT NOT NULL,
    status TEXT NOT NULL,
    urgency_rank INTEGER NOT NULL,
    item TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (organization_id, sensitivity, status, urgency_rank, item)
);

INSERT INTO need_tallies
SELECT organization_id, sensitivity, status, urgency_rank, item, count(*) FROM needs GROUP BY 1, 2, 3, 4, 5;

CREATE FUNCTION need_tallies_apply() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE need_tallies SET n = n - 1 WHERE organization_id = OLD.organization_id AND sensitivity = OLD.sensitivity AND status = OLD.status AND urgency_rank = OLD.urgency_rank AND item = OLD.item;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO need_tallies VALUES (NEW.organization_id, NEW.sensitivity, NEW.status, NEW.urgency_rank, NEW.item, 1)
        ON CONFLICT (organization_id, sensitivity, status, urgency_rank, item) DO UPDATE SET n = need_tallies.n + 1;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER need_tallies_insert_delete AFTER INSERT OR DELETE ON needs
FOR EACH ROW EXECUTE FUNCTION need_tallies_apply();

CREATE TRIGGER need_tallies_update AFTER UPDATE OF organization_id, sensitivity, status, urgency_rank, item ON needs
FOR EACH ROW WHEN (OLD.organization_id IS DISTINCT FROM NEW.organization_id OR OLD.sensitivity IS DISTINCT FROM NEW.sensitivity OR OLD.status IS DISTINCT FROM NEW.status OR OLD.urgency_rank IS DISTINCT FROM NEW.urgency_rank OR OLD.item IS DISTINCT FROM NEW.item)
EXECUTE FUNCTION need_tallies_apply();
