
UPDATE incidents AS i SET search_vector =
    setweight(to_tsvector('simple', replace(i.reference, '-', ' ')), 'A')
    || setweight(to_tsvector('simple', replace(i.title, '-', ' ')), 'A')
    || setweight(to_tsvector('simple', replace(i.narrative, '-', ' ')), 'B')
    || setweight(to_tsvector('simple', replace(
        concat_ws(' ', l.name, l.alt_names, l.admin1, l.admin2, l.admin3, l.pcode), '-', ' ')), 'B')
FROM locations AS l
WHERE l.id = i.location_id;
