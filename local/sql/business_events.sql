-- The captured table as the application writes it. The CDC record's flat columns come from here; event_data
-- is jsonb, which Debezium emits as a JSON string (the raw topic's event_data STRING column).
CREATE TABLE IF NOT EXISTS public.business_events (
  id           text PRIMARY KEY,
  event_name   text,
  event_type   text,
  created_date text,
  saved_date   text,
  event_data   jsonb
);
