/** Drizzle definitions of the council's tables (migrations/0025_council.sql is the source of truth). */
import { boolean, date, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
});

export type MemberRow = typeof councilMember.$inferSelect;
export type SeanceRow = typeof councilSeance.$inferSelect;
export type ItemRow = typeof councilItem.$inferSelect;
export type ConvocationRow = typeof councilConvocation.$inferSelect;
