-- Search matches whole words after stemming ('english' configuration: "convoys" finds
-- "convoy") instead of every word as a prefix. The same text the application indexes:
-- hyphens as spaces, and every name of the place.
UPDATE incidents AS i SET search_vector =
    setweight(to_tsvector('english', replace(i.reference, '-', ' ')), 'A')
    || setweight(to_tsvector('english', replace(i.title, '-', ' ')), 'A')
    || setweight(to_tsvector('english', replace(i.narrative, '-', ' ')), 'B')
    || setweight(to_tsvector('english', replace(
        concat_ws(' ', l.name, l.alt_names, l.admin1, l.admin2, l.admin3, l.pcode), '-', ' ')), 'B')
FROM locations AS l
WHERE l.id = i.location_id;
