-- The situation report's convoy figures from the indexes alone. The period's convoys are a
-- range of the departure index, which now also holds what the report counts and what the
-- visibility rules and the report's filters read (status, sensitivity, organisation,
-- destination, beneficiaries): about 10,000 convoys a year, no row read. Their cargo lines'
-- quantities, item and unit are in the convoy index of the cargo lines, so a partly delivered
-- convoy's share and what was removed on the way are read without the lines (whose rows are
-- scattered: reading them cost as much as the rest of the convoy figures). Same leading
-- columns, so the lists and the convoy page keep their plans.
DROP INDEX convoys_departure_idx;
CREATE INDEX convoys_departure_idx ON convoys (
    planned_departure, id, status, sensitivity, organization_id, destination_id, beneficiaries
);
DROP INDEX cargo_lines_convoy_idx;
CREATE INDEX cargo_lines_convoy_idx ON cargo_lines (
    convoy_id, position, quantity, delivered_quantity, removed_quantity, item, unit
);
