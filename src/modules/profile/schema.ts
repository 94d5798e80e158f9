/** Drizzle definitions of the profile tables (migrations/0009_citizen_profile_vault.sql is the source of truth). */
import { date, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { DOCUMENT_KINDS } from '../forms/index.js';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const HOUSEHOLD_RELATIONS = ['conjoint', 'enfant', 'autre'] as const;
export type HouseholdRelation = (typeof HOUSEHOLD_RELATIONS)[number];

export const citizenProfile = pgTable('citizen_profile', {
  accountId: uuid('account_id').primaryKey(),
  phone: text('phone'),
  addressLine1: text('address_line1'),
  addressLine2: text('address_line2'),
  addressPostcode: text('address_postcode'),
  addressCity: text('address_city'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const householdMember = pgTable('household_member', {
  id: uuid('id').primaryKey(),
  accountId: uuid('account_id').notNull(),
  givenName: text('given_name').notNull(),
  familyName: text('family_name').notNull(),
  birthDate: date('birth_date').notNull(),
  relation: text('relation', { enum: HOUSEHOLD_RELATIONS }).notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const supportingDocument = pgTable('supporting_document', {
  id: uuid('id').primaryKey(),
  accountId: uuid('account_id').notNull(),
  kind: text('kind', { enum: DOCUMENT_KINDS }).notNull(),
  name: text('name').notNull(),
  mimeType: text('mime_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  sha256: text('sha256').notNull(),
  issuedOn: date('issued_on'),
  validUntil: date('valid_until'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export type CitizenProfileRow = typeof citizenProfile.$inferSelect;
export type HouseholdMember = typeof householdMember.$inferSelect;
/** A document's row: the bytes are in the blob store, at `sha256` in the account's scope (migration 0013). */
export type SupportingDocumentInfo = typeof supportingDocument.$inferSelect;
/** A document with its bytes, read from the blob store and checked against its address. */
export type SupportingDocument = SupportingDocumentInfo & { content: Buffer };
