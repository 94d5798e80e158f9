-- 0026: the family portal's days (decision 0033). Reservations per child and day with a
-- cut-off rule, attendance (pointage) by the commune's agents, monthly invoices per paying
-- guardian priced with the tariff grids at the household's QF, and online payments (PayFiP).

-- Which days an activity runs (ISO weekdays, 1 = Monday) and until when a family may book or
-- cancel a day: `cutoff_days` working days before it, at `cutoff_hour` (Paris time). What an
-- absence costs: an unjustified absence of a booked day is billed when `bill_unjustified_absence`;
-- a presence without booking is billed with `unbooked_surcharge_percent` more.
ALTER TABLE family_activity
  ADD COLUMN weekdays integer[] NOT NULL DEFAULT '{1,2,4,5}',
  ADD COLUMN cutoff_days integer NOT NULL DEFAULT 2 CHECK (cutoff_days BETWEEN 0 AND 30),
  ADD COLUMN cutoff_hour integer NOT NULL DEFAULT 10 CHECK (cutoff_hour BETWEEN 0 AND 23),
  ADD COLUMN bill_unjustified_absence boolean NOT NULL DEFAULT true,
  ADD COLUMN unbooked_surcharge_percent integer NOT NULL DEFAULT 0
    CHECK (unbooked_surcharge_percent BETWEEN 0 AND 200);

-- Days the commune's activities do not run besides weekends and public holidays (school
-- holidays, a pedagogical day): for every activity when activity_id is null.
CREATE TABLE family_closed_day (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  activity_id uuid,
  day date NOT NULL,
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  FOREIGN KEY (commune_id, activity_id) REFERENCES family_activity (commune_id, id)
);
CREATE INDEX family_closed_day_idx ON family_closed_day (commune_id, day);

-- One row per child, activity and day: booked by the family (or not, for a presence the agent
-- found without booking), then pointed by an agent.
CREATE TABLE family_booking (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  activity_id uuid NOT NULL,
  enrolment_id uuid NOT NULL REFERENCES family_enrolment (id),
  -- The guardian whose enrolment it is (who pays).
  account_id uuid NOT NULL REFERENCES account (id),
  child_id uuid NOT NULL,
  day date NOT NULL,
  booked boolean NOT NULL,
  attendance text CHECK (attendance IN ('present', 'absent_justifie', 'absent_non_justifie')),
  checked_by uuid REFERENCES account (id),
  checked_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (booked OR attendance IS NOT NULL),
  UNIQUE (commune_id, activity_id, child_id, day),
  FOREIGN KEY (commune_id, activity_id) REFERENCES family_activity (commune_id, id)
);
CREATE INDEX family_booking_day_idx ON family_booking (commune_id, activity_id, day);
CREATE INDEX family_booking_account_idx ON family_booking (commune_id, account_id, day);

-- The QF the commune retains for a household (from an attestation, the CAF or an agent), from a
-- date: billing uses the latest one started on the first day of the billed month.
CREATE TABLE family_household_qf (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  account_id uuid NOT NULL REFERENCES account (id),
  qf integer CHECK (qf IS NULL OR qf BETWEEN 0 AND 100000),
  resident boolean NOT NULL DEFAULT true,
  source text NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
  valid_from date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX family_household_qf_idx ON family_household_qf (commune_id, account_id, valid_from);

-- Invoice numbers, one sequence per commune and year (« 2026-000042 »).
CREATE TABLE family_invoice_sequence (
  commune_id uuid NOT NULL REFERENCES commune (id),
  year integer NOT NULL,
  last_number integer NOT NULL CHECK (last_number >= 0),
  PRIMARY KEY (commune_id, year)
);

-- One invoice per paying guardian and billed month: a rerun of the month bills nobody twice.
CREATE TABLE family_invoice (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  number text NOT NULL CHECK (length(number) BETWEEN 1 AND 30),
  month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  account_id uuid NOT NULL REFERENCES account (id),
  payer_name text NOT NULL CHECK (length(payer_name) BETWEEN 1 AND 401),
  total_cents integer NOT NULL CHECK (total_cents >= 0),
  status text NOT NULL CHECK (status IN ('a_payer', 'payee')),
  issued_at timestamptz NOT NULL DEFAULT now(),
  paid_at timestamptz,
  CHECK ((status = 'payee') = (paid_at IS NOT NULL)),
  UNIQUE (commune_id, number),
  UNIQUE (commune_id, month, account_id)
);

CREATE TABLE family_invoice_line (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  invoice_id uuid NOT NULL REFERENCES family_invoice (id),
  position integer NOT NULL,
  child_name text NOT NULL,
  activity_name text NOT NULL,
  label text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_cents integer NOT NULL CHECK (unit_cents >= 0),
  amount_cents integer NOT NULL CHECK (amount_cents >= 0),
  -- How the unit price was reached (the tariff engine's explanation).
  explanation text NOT NULL
);
CREATE INDEX family_invoice_line_idx ON family_invoice_line (commune_id, invoice_id, position);

-- The commune's PayFiP contract: no request leaves Guichet until an administrator sets it.
CREATE TABLE family_payment_settings (
  commune_id uuid PRIMARY KEY REFERENCES commune (id),
  payfip_numcli text CHECK (payfip_numcli ~ '^[0-9]{6}$'),
  payfip_saisie text NOT NULL DEFAULT 'T' CHECK (payfip_saisie IN ('T', 'X', 'W')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One online payment attempt per row; `id_op` is PayFiP's operation id. The invoice is paid by
-- the first attempt confirmed by PayFiP's own detail of the operation, never by the browser.
CREATE TABLE family_payment (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  invoice_id uuid NOT NULL REFERENCES family_invoice (id),
  provider text NOT NULL CHECK (provider IN ('payfip')),
  id_op text NOT NULL CHECK (length(id_op) BETWEEN 1 AND 100),
  refdet text NOT NULL,
  amount_cents integer NOT NULL CHECK (amount_cents >= 100),
  status text NOT NULL CHECK (status IN ('en_cours', 'payee', 'refusee', 'abandonnee', 'anomalie')),
  resultrans text,
  numauto text,
  transaction_at text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider, id_op)
);
CREATE INDEX family_payment_invoice_idx ON family_payment (commune_id, invoice_id);
-- An invoice is paid once: at most one confirmed payment.
CREATE UNIQUE INDEX family_payment_paid_idx ON family_payment (commune_id, invoice_id) WHERE status = 'payee';

ALTER TABLE family_closed_day ENABLE ROW LEVEL SECURITY;
ALTER TABLE family_closed_day FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON family_closed_day
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

ALTER TABLE family_booking ENABLE ROW LEVEL SECURITY;
ALTER TABLE family_booking FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON family_booking
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

ALTER TABLE family_household_qf ENABLE ROW LEVEL SECURITY;
ALTER TABLE family_household_qf FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON family_household_qf
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

ALTER TABLE family_invoice_sequence ENABLE ROW LEVEL SECURITY;
ALTER TABLE family_invoice_sequence FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON family_invoice_sequence
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

ALTER TABLE family_invoice ENABLE ROW LEVEL SECURITY;
ALTER TABLE family_invoice FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON family_invoice
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

ALTER TABLE family_invoice_line ENABLE ROW LEVEL SECURITY;
ALTER TABLE family_invoice_line FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON family_invoice_line
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

ALTER TABLE family_payment_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE family_payment_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON family_payment_settings
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

ALTER TABLE family_payment ENABLE ROW LEVEL SECURITY;
ALTER TABLE family_payment FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON family_payment
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
