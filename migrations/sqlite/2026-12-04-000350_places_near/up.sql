-- Likely duplicates (`records::duplicates`) first find the places near a record's place: those
-- of the same district, as `lower(trim(admin2))` reads it, and those inside a box of latitude
-- and longitude around it. Both are index searches now, not a read of the whole gazetteer;
-- the record's window of candidates is then tested against that short list of places from
-- the category index alone.
CREATE INDEX locations_district_idx ON locations (lower(trim(admin2)));
CREATE INDEX locations_position_idx ON locations (latitude, longitude);
