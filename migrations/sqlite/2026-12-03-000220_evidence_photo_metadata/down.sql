ALTER TABLE evidence_files DROP COLUMN photo_longitude;
ALTER TABLE evidence_files DROP COLUMN photo_latitude;
ALTER TABLE evidence_files DROP COLUMN photo_taken_at;
