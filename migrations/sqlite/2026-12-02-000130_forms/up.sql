-- A claim's stance toward its incident (supports, denies, counter-claim, context). Every claim
-- recorded before stances existed reported the incident: it supports it.
ALTER TABLE claims ADD COLUMN stance TEXT NOT NULL DEFAULT 'supports';
-- A need's assessment date, and the day it was recorded: a need is overdue only when its date
-- passes after it was recorded (one typed in after the fact is history, not an alarm).
ALTER TABLE needs ADD COLUMN assessed_on DATE;
ALTER TABLE needs ADD COLUMN recorded_on DATE NOT NULL DEFAULT '1990-01-01';
UPDATE needs SET recorded_on = date(created_at);
-- Claims' statements are searched with their incident: those every reader of the incident may
-- read (not confidential, or confidential on a confidential incident of the same organisation).
UPDATE incidents_fts SET narrative = narrative || char(10) || (
    SELECT group_concat(c.statement, char(10)) FROM claims c JOIN incidents i ON i.id = c.incident_id
    WHERE c.incident_id = incidents_fts.rowid
      AND (c.sensitivity <> 'confidential'
           OR (i.sensitivity = 'confidential' AND c.organization_id = i.organization_id)))
WHERE rowid IN (
    SELECT c.incident_id FROM claims c JOIN incidents i ON i.id = c.incident_id
    WHERE c.sensitivity <> 'confidential'
       OR (i.sensitivity = 'confidential' AND c.organization_id = i.organization_id));
