DROP INDEX cargo_lines_convoy_idx;
CREATE INDEX cargo_lines_convoy_idx ON cargo_lines (convoy_id, position);
DROP INDEX convoys_departure_idx;
CREATE INDEX convoys_departure_idx ON convoys (planned_departure, id);
