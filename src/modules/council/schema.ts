/** Drizzle definitions of the council's tables (migrations/0025_council.sql is the source of truth). */
import { boolean, date, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const MEMBER_ROLES = ['maire', 'adjoint', 'conseiller_delegue', 'conseiller'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
export const MEMBER_ROLE_LABELS: Record<MemberRole, string> = {
  maire: 'Maire',
  adjoint: 'Adjoint',
  conseiller_delegue: 'Conseiller délégué',
  conseiller: 'Conseiller municipal',
};
export type Channel = 'electronique' | 'postal';
export type SeanceStatus = 'preparation' | 'convoquee' | 'tenue' | 'annulee';

export const councilMember = pgTable('council_member', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  accountId: uuid('account_id'),
  fullName: text('full_name').notNull(),
  email: text('email'),
  role: text('role').$type<MemberRole>().notNull(),
  politicalGroup: text('political_group'),
  channel: text('channel').$type<Channel>().notNull(),
  electronicConsentAt: timestamp('electronic_consent_at', { withTimezone: true }),
  postalAddress: text('postal_address'),
  inOffice: boolean('in_office').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const councilSeance = pgTable('council_seance', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  seanceDate: date('seance_date', { mode: 'string' }).notNull(),
  seanceTime: text('seance_time').notNull(),
  place: text('place').notNull(),
  kind: text('kind').$type<'ordinaire' | 'urgence'>().notNull(),
  status: text('status').$type<SeanceStatus>().notNull(),
  firstSeanceId: uuid('first_seance_id'),
  pvPublishedAt: timestamp('pv_published_at', { withTimezone: true }),
  pvSha256: text('pv_sha256'),
  pvPublishedBy: uuid('pv_published_by'),
  /** The procès-verbal's draft (migration 0048): the secretary of séance, the substance of the debates. */
  pvSecretaryId: uuid('pv_secretary_id'),
  pvDebates: text('pv_debates'),
  pvDraftUpdatedAt: timestamp('pv_draft_updated_at', { withTimezone: true }),
  /** Its adoption (« arrêté ») at the start of a later séance (CGCT L2121-15). */
  pvAdoptedAt: timestamp('pv_adopted_at', { withTimezone: true }),
  pvAdoptedSeanceId: uuid('pv_adopted_seance_id'),
  pvAdoptedBy: uuid('pv_adopted_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const councilItem = pgTable('council_item', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  seanceId: uuid('seance_id').notNull(),
  position: integer('position').notNull(),
  title: text('title').notNull(),
  rapporteurId: uuid('rapporteur_id'),
  summary: text('summary'),
  documentIds: uuid('document_ids').array().notNull().default([]),
  nomination: boolean('nomination').notNull().default(false),
  /** ACTES matière (level 2, e.g. « 7.1 »), for the SCDL export. */
  matiereCode: text('matiere_code'),
  closedSession: boolean('closed_session').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const councilConvocation = pgTable('council_convocation', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  seanceId: uuid('seance_id').notNull(),
  memberId: uuid('member_id').notNull(),
  channel: text('channel').$type<Channel>().notNull(),
  sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  recordedBy: uuid('recorded_by'),
  /** Postal convocations: the SHA-256 of the letter batch printed (blob of the commune). */
  letterSha256: text('letter_sha256'),
  /** Proof of first opening (migration 0040): the SHA-256 of the recipient's link, the first instant. */
  openTokenHash: text('open_token_hash'),
  firstOpenedAt: timestamp('first_opened_at', { withTimezone: true }),
  firstOpenedVia: text('first_opened_via').$type<'lien' | 'espace'>(),
});

export const councilAttendance = pgTable('council_attendance', {
  communeId: uuid('commune_id').notNull(),
  seanceId: uuid('seance_id').notNull(),
  memberId: uuid('member_id').notNull(),
  present: boolean('present').notNull(),
});

export type ReplyAnswer = 'present' | 'absent' | 'pouvoir';
export const councilReply = pgTable('council_reply', {
  communeId: uuid('commune_id').notNull(),
  seanceId: uuid('seance_id').notNull(),
  memberId: uuid('member_id').notNull(),
  answer: text('answer').$type<ReplyAnswer>().notNull(),
  repliedAt: timestamp('replied_at', { withTimezone: true }).notNull().defaultNow(),
  recordedBy: uuid('recorded_by'),
});

export const councilMovement = pgTable('council_movement', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  seanceId: uuid('seance_id').notNull(),
  memberId: uuid('member_id').notNull(),
  itemId: uuid('item_id').notNull(),
  kind: text('kind').$type<'arrivee' | 'depart'>().notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  recordedBy: uuid('recorded_by'),
});

export const councilProxy = pgTable('council_proxy', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  seanceId: uuid('seance_id').notNull(),
  giverId: uuid('giver_id').notNull(),
  holderId: uuid('holder_id').notNull(),
  documentId: uuid('document_id'),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  seanceCount: integer('seance_count').notNull().default(1),
  illnessCertified: boolean('illness_certified').notNull().default(false),
  recordedBy: uuid('recorded_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const councilVote = pgTable('council_vote', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  itemId: uuid('item_id').notNull(),
  presentCount: integer('present_count').notNull(),
  quorumRequired: integer('quorum_required').notNull(),
  interestedIds: uuid('interested_ids').array().notNull().default([]),
  ballot: text('ballot').$type<'public' | 'secret'>().notNull(),
  pour: integer('pour').notNull(),
  contre: integer('contre').notNull(),
  abstentions: integer('abstentions').notNull(),
  blancs: integer('blancs').notNull().default(0),
  notVoting: integer('not_voting').notNull().default(0),
  presidentVote: text('president_vote').$type<'pour' | 'contre'>(),
  adopted: boolean('adopted').notNull(),
  deliberationNumber: text('deliberation_number'),
  recordedBy: uuid('recorded_by'),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  publishedAt: timestamp('published_at', { withTimezone: true }),
  publishedSha256: text('published_sha256'),
  publishedBy: uuid('published_by'),
  signatureFolderId: uuid('signature_folder_id'),
  signatureFolderNumber: text('signature_folder_number'),
  sentForSignatureAt: timestamp('sent_for_signature_at', { withTimezone: true }),
  signedAt: timestamp('signed_at', { withTimezone: true }),
  signedSha256: text('signed_sha256'),
  signatureRefusal: text('signature_refusal'),
  /** The @ctes package (migration 0048): its envelope's number and date, kept from the first preparation. */
  actesEnvelopeNumber: integer('actes_envelope_number'),
  actesPreparedAt: timestamp('actes_prepared_at', { withTimezone: true }),
  actesPreparedBy: uuid('actes_prepared_by'),
});

export const councilSetting = pgTable('council_setting', {
  communeId: uuid('commune_id').primaryKey(),
  siret: text('siret'),
  /** The @ctes emitter (migration 0048). */
  actesDepartement: text('actes_departement'),
  actesArrondissement: text('actes_arrondissement'),
  actesSiren: text('actes_siren'),
  actesNature: text('actes_nature'),
  actesClassificationDate: date('actes_classification_date', { mode: 'string' }),
  actesReturnEmail: text('actes_return_email'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid('updated_by'),
});

/** A candidate of a nomination item (migration 0040). */
export const councilCandidate = pgTable('council_candidate', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  itemId: uuid('item_id').notNull(),
  memberId: uuid('member_id').notNull(),
  birthDate: date('birth_date', { mode: 'string' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  createdBy: uuid('created_by'),
});

export type RoundOutcome = 'absolute' | 'relative' | 'age' | 'next_round' | 'no_votes' | 'same_age';
export const councilNominationRound = pgTable('council_nomination_round', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  itemId: uuid('item_id').notNull(),
  round: integer('round').notNull(),
  votes: jsonb('votes').$type<Record<string, number>>().notNull(),
  blancs: integer('blancs').notNull(),
  nuls: integer('nuls').notNull(),
  voters: integer('voters').notNull(),
  exprimes: integer('exprimes').notNull(),
  absoluteMajority: integer('absolute_majority').notNull(),
  outcome: text('outcome').$type<RoundOutcome>().notNull(),
  electedCandidateId: uuid('elected_candidate_id'),
  recordedBy: uuid('recorded_by'),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
});

/** An élu's private annotation on an item (migration 0040): read by its author's account only. */
export const councilAnnotation = pgTable('council_annotation', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  accountId: uuid('account_id').notNull(),
  itemId: uuid('item_id').notNull(),
  body: text('body').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type MemberRow = typeof councilMember.$inferSelect;
export type SeanceRow = typeof councilSeance.$inferSelect;
export type ItemRow = typeof councilItem.$inferSelect;
export type ConvocationRow = typeof councilConvocation.$inferSelect;
export type ProxyRow = typeof councilProxy.$inferSelect;
export type MovementRow = typeof councilMovement.$inferSelect;
export type ReplyRow = typeof councilReply.$inferSelect;
export type VoteRow = typeof councilVote.$inferSelect;
export type SettingRow = typeof councilSetting.$inferSelect;
export type CandidateRow = typeof councilCandidate.$inferSelect;
export type NominationRoundRow = typeof councilNominationRound.$inferSelect;
export type AnnotationRow = typeof councilAnnotation.$inferSelect;
