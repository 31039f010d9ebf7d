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

CREATE TRIGGER convoy_tallies_insert AFTER INSERT ON convoys
BEGIN
    INSERT INTO convoy_tallies VALUES (NEW.organization_id, NEW.sensitivity, NEW.status, 1)
    ON CONFLICT (organization_id, sensitivity, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER convoy_tallies_delete AFTER DELETE ON convoys
BEGIN
    UPDATE convoy_tallies SET n = n - 1 WHERE organization_id = OLD.organization_id AND sensitivity = OLD.sensitivity AND status = OLD.status;
END;

CREATE TRIGGER convoy_tallies_update AFTER UPDATE OF organization_id, sensitivity, status ON convoys
WHEN OLD.organization_id IS NOT NEW.organization_id OR OLD.sensitivity IS NOT NEW.sensitivity OR OLD.status IS NOT NEW.status
BEGIN
    UPDATE convoy_tallies SET n = n - 1 WHERE organization_id = OLD.organization_id AND sensitivity = OLD.sensitivity AND status = OLD.status;
    INSERT INTO convoy_tallies VALUES (NEW.organization_id, NEW.sensitivity, NEW.status, 1)
    ON CONFLICT (organization_id, sensitivity, status) DO UPDATE SET n = n + 1;
END;

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

CREATE TRIGGER need_tallies_insert AFTER INSERT ON needs
BEGIN
    INSERT INTO need_tallies VALUES (NEW.organization_id, NEW.sensitivity, NEW.status, NEW.urgency_rank, NEW.item, 1)
    ON CONFLICT (organization_id, sensitivity, status, urgency_rank, item) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER need_tallies_delete AFTER DELETE ON needs
BEGIN
    UPDATE need_tallies SET n = n - 1 WHERE organization_id = OLD.organization_id AND sensitivity = OLD.sensitivity AND status = OLD.status AND urgency_rank = OLD.urgency_rank AND item = OLD.item;
END;

CREATE TRIGGER need_tallies_update AFTER UPDATE OF organization_id, sensitivity, status, urgency_rank, item ON needs
WHEN OLD.organization_id IS NOT NEW.organization_id OR OLD.sensitivity IS NOT NEW.sensitivity OR OLD.status IS NOT NEW.status OR OLD.urgency_rank IS NOT NEW.urgency_rank OR OLD.item IS NOT NEW.item
BEGIN
    UPDATE need_tallies SET n = n - 1 WHERE organization_id = OLD.organization_id AND sensitivity = OLD.sensitivity AND status = OLD.status AND urgency_rank = OLD.urgency_rank AND item = OLD.item;
    INSERT INTO need_tallies VALUES (NEW.organization_id, NEW.sensitivity, NEW.status, NEW.urgency_rank, NEW.item, 1)
    ON CONFLICT (organization_id, sensitivity, status, urgency_rank, item) DO UPDATE SET n = n + 1;
END;
