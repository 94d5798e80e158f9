-- Appointments (src/modules/appointments, decision 0027): agendas of a service at a place (one
-- desk each), their weekly opening hours and closures, the meeting types (« motifs ») a service
-- offers, the bookings, and the waitlist. Every table carries commune_id and is under forced
-- Row-Level Security like every commune table.

-- One desk of a service at a place (e.g. « Mairie annexe, guichet 2 »).
CREATE TABLE appointment_agenda (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  service_id uuid NOT NULL REFERENCES service (id),
  place text NOT NULL CHECK (length(place) BETWEEN 1 AND 120),
  desk text NOT NULL CHECK (length(desk) BETWEEN 1 AND 60),
  address text NOT NULL DEFAULT '' CHECK (length(address) <= 200),
  -- The two more public holidays of Alsace-Moselle (Vendredi saint, 26 décembre).
  alsace_moselle boolean NOT NULL DEFAULT false,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, place, desk)
);

-- Weekly opening hours (a recurrence per ISO weekday), optionally within a period.
CREATE TABLE appointment_opening (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  agenda_id uuid NOT NULL REFERENCES appointment_agenda (id) ON DELETE CASCADE,
  weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_minute smallint NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  end_minute smallint NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
  valid_from date,
  valid_until date,
  CHECK (start_minute < end_minute),
  CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until)
);
CREATE INDEX appointment_opening_agenda ON appointment_opening (commune_id, agenda_id);

-- Days an agenda is closed (leave, training, a bridge day), besides public holidays.
CREATE TABLE appointment_closure (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  agenda_id uuid NOT NULL REFERENCES appointment_agenda (id) ON DELETE CASCADE,
  start_date date NOT NULL,
  end_date date NOT NULL,
  reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 200),
  CHECK (start_date <= end_date)
);
CREATE INDEX appointment_closure_agenda ON appointment_closure (commune_id, agenda_id, end_date);

-- A meeting type of a service, offered on every agenda of the service.
CREATE TABLE appointment_motif (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  service_id uuid NOT NULL REFERENCES service (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  kind text NOT NULL DEFAULT 'guichet' CHECK (kind IN ('guichet', 'telephone', 'visio')),
  duration_minutes smallint NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
  buffer_minutes smallint NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 120),
  -- Seats per slot: more than one is a group session.
  capacity smallint NOT NULL DEFAULT 1 CHECK (capacity BETWEEN 1 AND 100),
  min_delay_hours integer NOT NULL DEFAULT 0 CHECK (min_delay_hours BETWEEN 0 AND 8760),
  max_delay_days integer NOT NULL DEFAULT 60 CHECK (max_delay_days BETWEEN 1 AND 366),
  bookable_by text NOT NULL DEFAULT 'public' CHECK (bookable_by IN ('public', 'signed_in', 'agents')),
  -- Shown before booking, one document a line.
  documents text NOT NULL DEFAULT '' CHECK (length(documents) <= 4000),
  -- Reminders, in hours before the appointment (e.g. {48,3}).
  reminder_hours integer[] NOT NULL DEFAULT '{48,3}',
  -- Passports and identity cards: the ANTS pre-application number is asked for (domain rules §9).
  ants_required boolean NOT NULL DEFAULT false,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, service_id, name)
);

-- A booked seat. The agenda's row is locked (SELECT … FOR UPDATE) while a booking is checked and
-- written; the unique seat index is the last barrier against a double booking.
CREATE TABLE appointment_booking (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  agenda_id uuid NOT NULL REFERENCES appointment_agenda (id),
  motif_id uuid NOT NULL REFERENCES appointment_motif (id),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  seat smallint NOT NULL CHECK (seat >= 1),
  status text NOT NULL DEFAULT 'confirme' CHECK (status IN ('confirme', 'annule', 'arrive', 'absent')),
  -- citizen (signed in), visitor (with an e-mail address), agent (for a caller at the desk or on the phone).
  booked_by text NOT NULL CHECK (booked_by IN ('citizen', 'visitor', 'agent')),
  account_id uuid REFERENCES account (id),
  agent_account_id uuid REFERENCES account (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  email text,
  phone text,
  -- The ANTS pre-application number (10 capital letters or digits), for the motifs that ask for it.
  ants_number text CHECK (ants_number ~ '^[A-Z0-9]{10}$'),
  -- SHA-256 of the link's secret (cancel or move without an account).
  token_hash text NOT NULL UNIQUE,
  -- Changes of time so far (the calendar file's SEQUENCE).
  sequence smallint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  cancelled_at timestamptz,
  checked_in_at timestamptz,
  no_show_at timestamptz,
  CHECK (starts_at < ends_at)
);
CREATE UNIQUE INDEX appointment_booking_seat ON appointment_booking (agenda_id, starts_at, seat) WHERE status <> 'annule';
CREATE INDEX appointment_booking_agenda_time ON appointment_booking (commune_id, agenda_id, starts_at);
CREATE INDEX appointment_booking_account ON appointment_booking (commune_id, account_id, starts_at) WHERE account_id IS NOT NULL;

-- People who hold a booking and would take an earlier slot of the same motif if one frees up.
-- An offer holds the freed seat for them until offer_expires_at.
CREATE TABLE appointment_waitlist (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  booking_id uuid NOT NULL REFERENCES appointment_booking (id) ON DELETE CASCADE,
  motif_id uuid NOT NULL REFERENCES appointment_motif (id),
  status text NOT NULL DEFAULT 'attente' CHECK (status IN ('attente', 'offre', 'accepte', 'expire', 'retire')),
  offered_starts_at timestamptz,
  offered_agenda_id uuid REFERENCES appointment_agenda (id),
  offer_token_hash text UNIQUE,
  offer_expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, booking_id)
);
CREATE INDEX appointment_waitlist_motif ON appointment_waitlist (commune_id, motif_id, status, created_at);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['appointment_agenda', 'appointment_opening', 'appointment_closure', 'appointment_motif',
    'appointment_booking', 'appointment_waitlist']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune())', t);
  END LOOP;
END $$;
