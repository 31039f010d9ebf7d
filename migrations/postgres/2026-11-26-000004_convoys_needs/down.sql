DROP TABLE need_deliveries;
DROP TABLE needs;
DROP TABLE convoy_incidents;
DROP TABLE convoy_events;
DROP TABLE cargo_lines;
DROP TABLE convoy_organizations;
DROP TABLE convoys;
