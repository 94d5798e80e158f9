import { describe, expect, it } from 'vitest';
import type { FormDefinition } from '../../forms/index.js';
import { ageText, excerpt, photoIds, triageOf } from './triage.js';

const REPORT: FormDefinition = {
  schemaVersion: 1,
  title: 'Signaler un problème sur la voie publique',
  pages: [
    {
      id: 'probleme',
      title: 'Type de problème',
      fields: [
        {
          id: 'type',
          type: 'choice',
          label: 'Quel problème ?',
          options: [
            { value: 'eclairage', label: 'Éclairage public en panne' },
            { value: 'chaussee', label: 'Trou ou chaussée abîmée' },
          ],
        },
      ],
    },
    {
      id: 'lieu',
      title: 'Lieu',
      fields: [
        { id: 'adresse', type: 'address', label: 'Adresse' },
        { id: 'repere', type: 'text', label: 'Repère' },
      ],
    },
    {
      id: 'description',
      title: 'Description',
      fields: [
        { id: 'description', type: 'textarea', label: 'Décrivez' },
        {
          id: 'photo',
          type: 'file',
          label: 'Photo',
          file: { accept: ['jpeg', 'png', 'heic'], maxBytes: 1e7, maxFiles: 3 },
        },
        {
          id: 'temoins',
          type: 'group',
          label: 'Témoins',
          repeat: { min: 0, max: 3, itemLabel: 'Témoin' },
          fields: [{ id: 'recit', type: 'textarea', label: 'Récit' }],
        },
      ],
    },
  ],
};

const ADDRESS = { line1: '12 rue des Tilleuls', line2: '', postcode: '99100', city: 'Villebelle' };

describe('triage summary and address of a request', () => {
  it.each([
    {
      case: 'road report: the problem chosen, then the start of the description, and the address',
      answers: { type: 'eclairage', adresse: ADDRESS, description: 'Le lampadaire devant l’école clignote.' },
      summary: 'Éclairage public en panne — Le lampadaire devant l’école clignote.',
      address: '12 rue des Tilleuls, 99100 Villebelle',
    },
    {
      case: 'no choice answered: the description alone',
      answers: { description: 'Un trou\n\nprofond   de 10 cm' },
      summary: 'Un trou profond de 10 cm',
      address: null,
    },
    {
      case: 'an option that is no longer in the form is left out',
      answers: { type: 'ancienne-valeur', description: 'Texte' },
      summary: 'Texte',
      address: null,
    },
    {
      case: 'a blank description and an empty address: nothing to show',
      answers: { type: undefined, description: '   ', adresse: { line1: '', postcode: '', city: '' } },
      summary: null,
      address: null,
    },
    {
      case: 'a text inside a repeatable group is not the summary',
      answers: { temoins: [{ recit: 'Je passais par là' }] },
      summary: null,
      address: null,
    },
  ])('$case', ({ answers, summary, address }) => {
    expect(triageOf(REPORT, REPORT.title, answers as Record<string, unknown>)).toEqual({ summary, address });
  });

  it.each([
    {
      case: 'a free message: its start',
      subject: 'Bruit',
      answers: { message: 'Bruit la nuit rue Haute' },
      summary: 'Bruit la nuit rue Haute',
    },
    {
      case: 'a message that is the subject itself: not repeated',
      subject: 'Bruit',
      answers: { message: 'Bruit' },
      summary: null,
    },
    { case: 'no message at all', subject: 'Bruit', answers: {}, summary: null },
  ])('without démarche, $case', ({ subject, answers, summary }) => {
    expect(triageOf(null, subject, answers)).toEqual({ summary, address: null });
  });
});

describe('excerpt', () => {
  it.each([
    { text: 'court', max: 10, out: 'court' },
    { text: 'exactement', max: 10, out: 'exactement' },
    { text: 'un deux trois quatre', max: 10, out: 'un deux…' },
    { text: 'anticonstitutionnellement', max: 10, out: 'anticonsti…' },
    { text: 'fin de phrase, suite', max: 14, out: 'fin de phrase…' },
  ])('« $text » in $max → « $out »', ({ text, max, out }) => {
    expect(excerpt(text, max)).toBe(out);
  });
});

describe('photos of a request', () => {
  it('keeps the JPEG, PNG and WebP answers of file fields, not HEIC nor PDF', () => {
    const answers = {
      photo: [
        { id: 'a', name: 'a.jpg', size: 1, type: 'image/jpeg' },
        { id: 'b', name: 'b.heic', size: 1, type: 'image/heic' },
        { id: 'c', name: 'c.png', size: 1, type: 'image/png' },
        { id: 'd', name: 'd.pdf', size: 1, type: 'application/pdf' },
      ],
      description: [{ id: 'e', name: 'e.jpg', size: 1, type: 'image/jpeg' }],
    };
    expect(photoIds(REPORT, answers)).toEqual(['a', 'c']);
    expect(photoIds(null, answers)).toEqual([]);
  });
});

describe('age of a request, in calendar days in Paris', () => {
  it.each([
    { submitted: '2026-03-10T09:00:00Z', now: '2026-03-10T20:00:00Z', out: 'aujourd’hui' },
    // 23:30 UTC on the 10th is already the 11th in Paris (UTC+1 in winter).
    { submitted: '2026-03-10T23:30:00Z', now: '2026-03-11T08:00:00Z', out: 'aujourd’hui' },
    { submitted: '2026-03-10T22:00:00Z', now: '2026-03-10T23:30:00Z', out: 'hier' },
    { submitted: '2026-03-09T12:00:00Z', now: '2026-03-10T08:00:00Z', out: 'hier' },
    { submitted: '2026-03-01T12:00:00Z', now: '2026-03-10T08:00:00Z', out: '9 jours' },
    // Across the change to summer time (29 March 2026): still whole days.
    { submitted: '2026-03-28T12:00:00Z', now: '2026-03-30T12:00:00Z', out: '2 jours' },
    { submitted: '2025-03-10T12:00:00Z', now: '2026-03-10T12:00:00Z', out: '365 jours' },
  ])('$submitted → $now: $out', ({ submitted, now, out }) => {
    expect(ageText(new Date(submitted), new Date(now))).toBe(out);
  });
});
