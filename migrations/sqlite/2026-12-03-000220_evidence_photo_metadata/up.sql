-- What a photo's EXIF says of when and where it was taken, read at upload: a claim to weigh,
-- shown only to those who get the original (its organisation, coordinators, auditors), never
-- copied into the audit trail (bundles carry its events to partners). Derived from the hashed
-- bytes, so it can be read again from the original.
ALTER TABLE evidence_files ADD COLUMN photo_taken_at TEXT NOT NULL DEFAULT '';
ALTER TABLE evidence_files ADD COLUMN photo_latitude REAL;
ALTER TABLE evidence_files ADD COLUMN photo_longitude REAL;
