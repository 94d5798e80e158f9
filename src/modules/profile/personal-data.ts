/**
 * What the profile holds about a person, for their RGPD export (contact details, household, the
 * vault's documents — their files are downloaded from the vault) and erased with their account.
 */
import type { PersonalDataDefinition } from '../../platform/module.js';
import { formatDate, formatDateTime } from '../../platform/views/format.js';
import { DOCUMENT_KIND_RULES, isDocumentKind } from '../forms/index.js';
import { getProfile, RELATION_LABELS } from './profile.js';
import { deleteAllProfileRows } from './repo.js';
import type { HouseholdRelation } from './schema.js';
import { listDocuments, validityText } from './vault.js';

const day = (value: string) => formatDate(`${value}T12:00:00Z`);

export const profilePersonalData: PersonalDataDefinition = {
  async collect(tx, accountId) {
    const profile = await getProfile(tx, accountId);
    const documents = await listDocuments(tx, accountId);
    const contact = {
      phone: profile.contact.phone,
      address: profile.contact.address
        ? { ...profile.contact.address, line2: profile.contact.address.line2 ?? null }
        : null,
      household: profile.household.map((m) => ({
        givenName: m.givenName,
        familyName: m.familyName,
        birthDate: m.birthDate,
        relation: m.relation,
      })),
    };
    const exported = documents.map((d) => ({
      kind: d.kind,
      name: d.name,
      issuedOn: d.issuedOn,
      validUntil: d.validUntil,
      sizeBytes: d.sizeBytes,
      addedAt: d.createdAt.toISOString(),
    }));
    return [
      {
        key: 'profile',
        data: contact,
        readable: {
          title: 'Coordonnées et foyer',
          rows: [
            { key: 'Téléphone', value: contact.phone ?? 'non renseigné' },
            {
              key: 'Adresse postale',
              value: contact.address
                ? [contact.address.line1, contact.address.line2, `${contact.address.postcode} ${contact.address.city}`]
                    .filter(Boolean)
                    .join(', ')
                : 'non renseignée',
            },
          ],
          tables: [
            {
              caption: 'Personnes de mon foyer',
              columns: ['Nom', 'Date de naissance', 'Lien'],
              rows: contact.household.map((m) => [
                `${m.givenName} ${m.familyName}`,
                day(m.birthDate),
                RELATION_LABELS[m.relation as HouseholdRelation] ?? m.relation,
              ]),
            },
          ],
        },
      },
      {
        key: 'documents',
        data: exported,
        readable: {
          title: 'Mes justificatifs',
          tables: [
            {
              caption: 'Mes justificatifs',
              columns: ['Document', 'Type', 'Validité', 'Ajouté le'],
              rows: documents.map((d) => [
                d.name,
                isDocumentKind(d.kind) ? DOCUMENT_KIND_RULES[d.kind].label : d.kind,
                validityText(d.validUntil),
                formatDateTime(d.createdAt),
              ]),
            },
          ],
        },
      },
    ];
  },
  // Profile, household and vault documents (copies attached to requests stay with the requests).
  erase: deleteAllProfileRows,
};
