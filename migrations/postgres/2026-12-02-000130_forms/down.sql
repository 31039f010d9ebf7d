ALTER TABLE needs DROP COLUMN recorded_on;
ALTER TABLE needs DROP COLUMN assessed_on;
ALTER TABLE claims DROP COLUMN stance;
