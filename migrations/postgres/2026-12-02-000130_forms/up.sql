-- A claim's stance toward its incident (supports, denies, counter-claim, context). Every claim
-- recorded before stances existed reported the incident: it supports it.
ALTER TABLE claims ADD COLUMN stance TEXT NOT NULL DEFAULT 'supports';
-- A need's assessment date, and the day it was recorded: a need is overdue only when its date
-- passes after it was recorded (one typed in after the fact is history, not an alarm).
ALTER TABLE needs ADD COLUMN assessed_on DATE;
ALTER TABLE needs ADD COLUMN recorded_on DATE NOT NULL DEFAULT DATE '1990-01-01';
UPDATE needs SET recorded_on = created_at::date;
-- Claims' statements are searched with their incident: those every reader of the incident may
-- read (not confidential, or confidential on a confidential incident of the same organisation).
UPDATE incidents AS i SET search_vector = i.search_vector
    || setweight(to_tsvector('english', replace(w.words, '-', ' ')), 'B')
FROM (
    SELECT c.incident_id, string_agg(c.statement, E'\n' ORDER BY c.id) AS words
    FROM claims c JOIN incidents i2 ON i2.id = c.incident_id
    WHERE c.sensitivity <> 'confidential'
       OR (i2.sensitivity = 'confidential' AND c.organization_id = i2.organization_id)
    GROUP BY c.incident_id
) AS w
WHERE w.incident_id = i.id;
