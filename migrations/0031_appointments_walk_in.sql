-- The walk-in queue at the accueil (src/modules/appointments/walk-in, decision 0038): the motifs a
-- commune offers as a ticket (« le ticket ») at the kiosk or by phone, and the tickets of the day.
-- Numbers are per commune and per Paris day, from commune_counter (kind 'ticket:YYYY-MM-DD').

ALTER TABLE appointment_motif ADD COLUMN walk_in boolean NOT NULL DEFAULT false;

CREATE TABLE appointment_ticket (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  motif_id uuid NOT NULL REFERENCES appointment_motif (id),
  -- The Paris calendar day the ticket was taken (the queue starts again each morning).
  day date NOT NULL,
  number integer NOT NULL CHECK (number >= 1),
  -- attente → appele → servi | absent; annule: the person left the queue.
  status text NOT NULL DEFAULT 'attente' CHECK (status IN ('attente', 'appele', 'servi', 'absent', 'annule')),
  -- borne (the tablet at the entrance), telephone (the QR code or the link), agent (for a caller).
  channel text NOT NULL CHECK (channel IN ('borne', 'telephone', 'agent')),
  -- SHA-256 of the secret of the ticket's own page (place in the queue, estimated wait).
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  called_at timestamptz,
  called_by uuid REFERENCES account (id),
  desk text CHECK (length(desk) BETWEEN 1 AND 60),
  finished_at timestamptz,
  UNIQUE (commune_id, day, number)
);
CREATE INDEX appointment_ticket_queue ON appointment_ticket (commune_id, day, status, number);

ALTER TABLE appointment_ticket ENABLE ROW LEVEL SECURITY;
ALTER TABLE appointment_ticket FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON appointment_ticket
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
