-- The gazetteer grows: a kind for each place (town, checkpoint, crossing…), the place a
-- duplicate was merged into, and names by language. `name` stays the place's English (or
-- first) preferred name, `name_ar` and `name_fr` its preferred Arabic and French names, and
-- `alt_names` every other name, one per line: kept by the application from `place_names`, so
-- search, suggestions and labels read one row.
ALTER TABLE locations ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE locations ADD COLUMN name_ar TEXT NOT NULL DEFAULT '';
ALTER TABLE locations ADD COLUMN name_fr TEXT NOT NULL DEFAULT '';
ALTER TABLE locations ADD COLUMN merged_into BIGINT REFERENCES locations (id);
ALTER TABLE locations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX locations_pcode_idx ON locations (pcode);

-- Every name of a place with its language (BCP 47: en, ar, fr, ar-Latn for a transliteration,
-- und when unknown), at most one preferred per language.
CREATE TABLE place_names (
    id BIGSERIAL PRIMARY KEY,
    location_id BIGINT NOT NULL REFERENCES locations (id),
    name TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'und',
    preferred BOOLEAN NOT NULL DEFAULT FALSE,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX place_names_location_idx ON place_names (location_id);
CREATE INDEX place_names_name_idx ON place_names (lower(name));

-- Names of the places already recorded: the name as English, each other spelling in Arabic
-- script as Arabic, the others as of unknown language.
INSERT INTO place_names (location_id, name, language, preferred, position)
SELECT id, name, 'en', TRUE, 0 FROM locations;
INSERT INTO place_names (location_id, name, language, preferred, position)
SELECT l.id, trim(t.line),
       CASE WHEN ascii(trim(t.line)) BETWEEN 1536 AND 1791 THEN 'ar' ELSE 'und' END, FALSE, t.pos
FROM locations l, regexp_split_to_table(l.alt_names, E'\n') WITH ORDINALITY AS t (line, pos)
WHERE trim(t.line) <> '';
UPDATE place_names SET preferred = TRUE
WHERE language = 'ar' AND id = (SELECT MIN(p.id) FROM place_names p
                                WHERE p.location_id = place_names.location_id AND p.language = 'ar');
UPDATE locations SET name_ar = COALESCE((SELECT p.name FROM place_names p
    WHERE p.location_id = locations.id AND p.language = 'ar' AND p.preferred), '');

-- Administrative areas (OCHA common operational datasets): p-code, level (1 governorate,
-- 2 district, 3 sub-district), the p-code of the area it lies in, names in English, Arabic and
-- French, and its outline for the map. `corridor places import` adds and updates them; the
-- Syrian governorates come here (their outlines ship with the program).
CREATE TABLE admin_areas (
    pcode TEXT PRIMARY KEY NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
    parent_pcode TEXT NOT NULL DEFAULT '',
    country_code TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL,
    name_ar TEXT NOT NULL DEFAULT '',
    name_fr TEXT NOT NULL DEFAULT '',
    -- The area's outline as a GeoJSON geometry (from a GeoJSON import), '' when not known.
    geometry TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX admin_areas_level_idx ON admin_areas (level, name_en);

INSERT INTO admin_areas (pcode, level, parent_pcode, country_code, name_en, name_ar, name_fr, updated_at) VALUES
    ('SY01', 1, 'SY', 'SY', 'Damascus', 'دمشق', 'Damas', '2026-12-02 00:00:00'),
    ('SY02', 1, 'SY', 'SY', 'Aleppo', 'حلب', 'Alep', '2026-12-02 00:00:00'),
    ('SY03', 1, 'SY', 'SY', 'Rural Damascus', 'ريف دمشق', 'Rif Dimachq', '2026-12-02 00:00:00'),
    ('SY04', 1, 'SY', 'SY', 'Homs', 'حمص', 'Homs', '2026-12-02 00:00:00'),
    ('SY05', 1, 'SY', 'SY', 'Hama', 'حماة', 'Hama', '2026-12-02 00:00:00'),
    ('SY06', 1, 'SY', 'SY', 'Lattakia', 'اللاذقية', 'Lattaquié', '2026-12-02 00:00:00'),
    ('SY07', 1, 'SY', 'SY', 'Idleb', 'إدلب', 'Idlib', '2026-12-02 00:00:00'),
    ('SY08', 1, 'SY', 'SY', 'Al-Hasakeh', 'الحسكة', 'Hassaké', '2026-12-02 00:00:00'),
    ('SY09', 1, 'SY', 'SY', 'Deir-ez-Zor', 'دير الزور', 'Deir ez-Zor', '2026-12-02 00:00:00'),
    ('SY10', 1, 'SY', 'SY', 'Tartous', 'طرطوس', 'Tartous', '2026-12-02 00:00:00'),
    ('SY11', 1, 'SY', 'SY', 'Ar-Raqqa', 'الرقة', 'Raqqa', '2026-12-02 00:00:00'),
    ('SY12', 1, 'SY', 'SY', 'Dar''a', 'درعا', 'Deraa', '2026-12-02 00:00:00'),
    ('SY13', 1, 'SY', 'SY', 'As-Sweida', 'السويداء', 'Soueïda', '2026-12-02 00:00:00'),
    ('SY14', 1, 'SY', 'SY', 'Quneitra', 'القنيطرة', 'Kuneitra', '2026-12-02 00:00:00');
