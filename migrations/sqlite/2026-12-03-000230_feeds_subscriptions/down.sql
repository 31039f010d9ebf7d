DROP TABLE deliveries;
DROP TABLE notification_events;
DROP TABLE subscriptions;
DROP TABLE saved_searches;
