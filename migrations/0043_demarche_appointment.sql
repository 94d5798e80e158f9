-- A démarche may end by booking an appointment (issue 12 item 7): the procedure names the public
-- task offered once the request is sent (a key of the modules' public tasks, e.g.
-- `rendez-vous:<motif id>`); the booking made from that offer keeps the request's number, and the
-- request's history records the appointment (a new event kind).
ALTER TABLE procedure ADD COLUMN follow_up_task text
  CHECK (follow_up_task IS NULL OR (length(follow_up_task) BETWEEN 1 AND 100));

ALTER TABLE appointment_booking ADD COLUMN request_number text
  CHECK (request_number IS NULL OR request_number ~ '^[0-9]{4}-[0-9]{6}$');

ALTER TABLE request_event DROP CONSTRAINT request_event_kind_check;
ALTER TABLE request_event ADD CONSTRAINT request_event_kind_check CHECK (kind IN ('submitted', 'status', 'assigned',
  'rerouted', 'message_to_citizen', 'message_from_citizen', 'internal_note', 'attachment', 'appointment'));
