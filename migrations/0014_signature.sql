-- The parapheur (src/modules/signature, decision 0022): who holds which function in a commune,
-- the commune's settings and circuit templates, folders (a main document and annexes, bytes in the
-- blob store), the steps of each folder's circuit, the actions taken on it (its history),
-- delegations, and the certificates of the commune's internal certification authority.
-- Every table carries commune_id and is under Row-Level Security like every commune table.

-- Who holds a function (« le maire », « l’adjoint aux finances », « le DGS », « le chef du
-- service » of one service): circuits name functions, resolved to people when a step starts.
CREATE TABLE signature_function_holder (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  function_key text NOT NULL CHECK (function_key IN ('maire', 'adjoint_finances', 'dgs', 'chef_service')),
  -- Only for chef_service: the service the person leads.
  service_id uuid REFERENCES service (id),
  account_id uuid NOT NULL REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((function_key = 'chef_service') = (service_id IS NOT NULL))
);
CREATE UNIQUE INDEX signature_function_holder_unique
  ON signature_function_holder (commune_id, function_key, COALESCE(service_id, '00000000-0000-0000-0000-000000000000'::uuid));

-- One row per commune once an administrator changed a setting (defaults in the code otherwise).
CREATE TABLE signature_setting (
  commune_id uuid PRIMARY KEY REFERENCES commune (id),
  -- A purchase order above this amount (integer cents, TTC) gets the DGS visa and the adjoint's signature.
  purchase_order_threshold_cents bigint NOT NULL CHECK (purchase_order_threshold_cents >= 0),
  updated_by uuid REFERENCES account (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A commune's circuit template for a document type (the code's default applies when none).
-- steps: [{ kind: 'visa'|'signature', mode: 'all'|'any', actors: [{ function } | { accountId }] }]
CREATE TABLE signature_circuit (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  document_type text NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  steps jsonb NOT NULL,
  updated_by uuid REFERENCES account (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, document_type)
);

CREATE TABLE signature_folder (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  number text NOT NULL,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  document_type text NOT NULL CHECK (document_type IN ('courrier_sortant', 'bon_de_commande', 'contrat', 'marche',
    'arrete', 'deliberation', 'bordereau_mandats', 'bordereau_titres', 'autre')),
  amount_cents bigint CHECK (amount_cents IS NULL OR amount_cents >= 0),
  service_id uuid REFERENCES service (id),
  budget_line text,
  third_party text,
  status text NOT NULL DEFAULT 'en_cours' CHECK (status IN ('en_cours', 'termine', 'refuse')),
  circuit_name text NOT NULL,
  -- Position (0-based) of the step being acted on; null once the folder is closed.
  current_step integer,
  due_on date,
  -- agent (the parapheur's pages), module (startCircuit of another module), api (a connector).
  source text NOT NULL DEFAULT 'agent' CHECK (source IN ('agent', 'module', 'api')),
  source_reference text,
  created_by uuid REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  UNIQUE (commune_id, number)
);
CREATE INDEX signature_folder_status ON signature_folder (commune_id, status, created_at DESC);

-- The files of a folder. current_sha256 is the latest version (after each signature); the
-- original stays addressable by original_sha256.
CREATE TABLE signature_document (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  folder_id uuid NOT NULL REFERENCES signature_folder (id),
  role text NOT NULL CHECK (role IN ('principal', 'annexe')),
  position integer NOT NULL,
  name text NOT NULL,
  mime_type text NOT NULL,
  original_sha256 text NOT NULL CHECK (original_sha256 ~ '^[0-9a-f]{64}$'),
  current_sha256 text NOT NULL CHECK (current_sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, folder_id, position)
);
CREATE UNIQUE INDEX signature_document_one_principal ON signature_document (commune_id, folder_id) WHERE role = 'principal';

-- The steps of one folder, copied from its circuit when created; assignees are resolved from the
-- actors (functions → people) when the step starts.
CREATE TABLE signature_step (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  folder_id uuid NOT NULL REFERENCES signature_folder (id),
  position integer NOT NULL CHECK (position >= 0),
  kind text NOT NULL CHECK (kind IN ('visa', 'signature')),
  mode text NOT NULL CHECK (mode IN ('all', 'any')),
  actors jsonb NOT NULL,
  assignees uuid[] NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'a_venir' CHECK (status IN ('a_venir', 'en_cours', 'fait')),
  started_at timestamptz,
  completed_at timestamptz,
  UNIQUE (commune_id, folder_id, position)
);
CREATE INDEX signature_step_assignees ON signature_step USING gin (assignees);

-- What happened to a folder (its history). An action taken back (droit de remords, or a folder
-- sent back to an earlier step) keeps its row, marked withdrawn.
CREATE TABLE signature_action (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  folder_id uuid NOT NULL REFERENCES signature_folder (id),
  step_id uuid REFERENCES signature_step (id),
  kind text NOT NULL CHECK (kind IN ('creation', 'visa', 'signature', 'refus', 'renvoi', 'annotation',
    'remords', 'transfert')),
  account_id uuid REFERENCES account (id),
  -- The person the actor acted for (delegation), if any.
  on_behalf_of uuid REFERENCES account (id),
  comment text,
  is_private boolean NOT NULL DEFAULT false,
  -- Hash of the main document after the action (signatures change it).
  document_sha256 text CHECK (document_sha256 IS NULL OR document_sha256 ~ '^[0-9a-f]{64}$'),
  -- The document's hash before a signature, to restore it when the signer takes it back.
  previous_sha256 text CHECK (previous_sha256 IS NULL OR previous_sha256 ~ '^[0-9a-f]{64}$'),
  withdrawn_at timestamptz,
  occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signature_action_folder ON signature_action (commune_id, folder_id, occurred_at);

-- A person lets another act for them from one day to another (inclusive, Paris calendar), for
-- every document type or some of them.
CREATE TABLE signature_delegation (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  delegator_id uuid NOT NULL REFERENCES account (id),
  delegate_id uuid NOT NULL REFERENCES account (id),
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  document_types text[] NOT NULL DEFAULT '{}',
  created_by uuid REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  CHECK (ends_on >= starts_on),
  CHECK (delegator_id <> delegate_id)
);
CREATE INDEX signature_delegation_delegate ON signature_delegation (commune_id, delegate_id);

-- The commune's internal certification authority and the signing certificates it issued.
-- Private keys are sealed with the instance's master key (GUICHET_SIGNATURE_MASTER_KEY).
CREATE TABLE signature_certificate (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  kind text NOT NULL CHECK (kind IN ('ca', 'signer', 'imported')),
  account_id uuid REFERENCES account (id),
  certificate_pem text NOT NULL,
  chain_pem text,
  sealed_private_key text NOT NULL,
  serial_hex text NOT NULL,
  not_after timestamptz NOT NULL,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'ca') = (account_id IS NULL))
);
CREATE UNIQUE INDEX signature_certificate_one_ca ON signature_certificate (commune_id) WHERE kind = 'ca' AND revoked_at IS NULL;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['signature_function_holder', 'signature_setting', 'signature_circuit', 'signature_folder',
      'signature_document', 'signature_step', 'signature_action', 'signature_delegation', 'signature_certificate'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune())', t);
  END LOOP;
END $$;
