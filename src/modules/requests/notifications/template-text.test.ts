/**
 * The rules of the commune's notification texts, without a database: what an administrator may
 * write (placeholders, braces, lengths, invisible characters), how a text becomes a mail (escaped
 * HTML, paragraphs, one-line subject) or an SMS (GSM length), which phone number an SMS goes to.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.js';
import { renderMail } from '../../../platform/mail/templates.js';
import { measureSms } from '../../../platform/sms/gsm.js';
import { maskPhoneNumbers, mobileE164 } from '../../../platform/sms/phone.js';
import type { FormDefinition } from '../../forms/index.js';
import { REQUEST_MAILS } from '../mail-templates.js';
import {
  exampleValues,
  findNotification,
  NOTIFICATIONS,
  type NotificationDefinition,
  type PlaceholderValues,
} from './catalog.js';
import { checkTemplateText, renderTemplateText } from './service.js';
import { recipientFromAnswers } from './sms.js';
import { paragraphsOf, parseTemplateText } from './template-text.js';

const receipt = findNotification('accuse-de-reception')!;
const accepted = findNotification('statut-acceptee')!;
const sms = findNotification('sms-changement-de-statut')!;
const VILLEBELLE = { name: 'Villebelle', slug: 'villebelle' };
const PUBLIC_URL = 'https://guichet.exemple.fr';

/** The field errors of a refused text, or {} when it passes. */
function fieldErrors(definition: NotificationDefinition, subject: string, body: string): Record<string, string> {
  try {
    checkTemplateText(definition, { subject, body });
    return {};
  } catch (error) {
    if (error instanceof AppError && error.status === 422) return error.fields ?? {};
    throw error;
  }
}

describe('checking an administrator’s text', () => {
  const okSubject = 'Demande {{numero}} – {{commune}}';
  const okBody = 'Bonjour {{nom}},\n\nNous avons bien reçu votre demande.';

  it.each([
    ['a text with known placeholders', receipt, okSubject, okBody, {}],
    ['spaces inside the braces', receipt, 'Demande {{ numero }}', 'Bonjour {{  nom }}.', {}],
    [
      'an unknown placeholder in the text',
      receipt,
      okSubject,
      'Bonjour {{prenom}},',
      { texte: /\{\{prenom\}\}, qui n’existe pas pour ce message\. Variables possibles : \{\{numero\}\}/ },
    ],
    [
      'an unknown placeholder in the subject',
      receipt,
      'Demande {{Numero}}',
      okBody,
      { objet: /L’objet utilise la variable \{\{Numero\}\}, qui n’existe pas/ },
    ],
    [
      '{{statut}} in the receipt, sent before any status',
      receipt,
      okSubject,
      'Statut : {{statut}}',
      { texte: /\{\{statut\}\}, qui n’existe pas/ },
    ],
    [
      'an unclosed placeholder',
      receipt,
      okSubject,
      'Votre demande {{numero est reçue.',
      { texte: /accolade isolée près de « [^»]*demande \{\{numero est[^»]*» : les accolades servent uniquement/ },
    ],
    ['a closing pair without an opening one', receipt, okSubject, 'Demande numero}} reçue.', { texte: /isolée/ }],
    ['single braces', receipt, '{numero}', okBody, { objet: /L’objet contient une accolade isolée/ }],
    ['three braces', receipt, okSubject, 'Demande {{{numero}}}', { texte: /isolée/ }],
    ['empty braces', receipt, okSubject, 'Demande {{}}', { texte: /accolades vides/ }],
    ['an empty subject', receipt, '   ', okBody, { objet: /^Saisissez l’objet du courriel\.$/ }],
    ['a subject on two lines', receipt, 'Demande\nreçue', okBody, { objet: /une seule ligne/ }],
    [
      'a subject of 201 characters',
      receipt,
      'a'.repeat(201),
      okBody,
      { objet: /au plus 200 caractères \(il en fait 201\)/ },
    ],
    ['an empty text', receipt, okSubject, '\n \n', { texte: /^Saisissez le texte du courriel\.$/ }],
    ['a text of 5001 characters', receipt, okSubject, 'b'.repeat(5001), { texte: /au plus 5000 caractères/ }],
    ['an invisible control character', receipt, okSubject, 'Bonjour\u0007 !', { texte: /caractères invisibles/ }],
    ['a bidirectional override', receipt, okSubject, 'Bonjour \u202egpj.exe', { texte: /caractères invisibles/ }],
    ['an SMS of 320 characters', sms, '', 'c'.repeat(320), {}],
    ['an SMS of 321 characters', sms, '', 'c'.repeat(321), { texte: /au plus 320 caractères/ }],
    ['{{nom}} in an SMS', sms, '', 'Bonjour {{nom}}', { texte: /\{\{nom\}\}, qui n’existe pas/ }],
    ['an empty SMS', sms, '', '', { texte: /^Saisissez le texte du SMS\.$/ }],
  ] as const)('%s', (_name, definition, subject, body, expected) => {
    const errors = fieldErrors(definition, subject, body);
    expect(Object.keys(errors).sort()).toEqual(Object.keys(expected).sort());
    for (const [field, pattern] of Object.entries(expected)) expect(errors[field]).toMatch(pattern as RegExp);
  });

  it('keeps no subject for an SMS and makes CRLF line endings LF', () => {
    expect(checkTemplateText(sms, { subject: 'ignoré', body: 'Demande {{numero}}' })).toEqual({
      subject: null,
      body: 'Demande {{numero}}',
    });
    expect(checkTemplateText(receipt, { subject: ' Objet ', body: 'Un\r\n\r\nDeux' }).body).toBe('Un\n\nDeux');
  });

  it('accepts every default text of the catalogue', () => {
    for (const definition of NOTIFICATIONS) {
      expect(fieldErrors(definition, definition.defaultSubject ?? '', definition.defaultBody), definition.key).toEqual(
        {},
      );
    }
  });
});

describe('rendering a text', () => {
  const values = exampleValues(accepted, VILLEBELLE, PUBLIC_URL);

  it('replaces placeholders once: a value that looks like a placeholder stays as written', () => {
    const parsed = parseTemplateText('{{demarche}} / {{numero}}', ['demarche', 'numero']);
    expect(parsed.ok).toBe(true);
    const composed = renderTemplateText(
      accepted,
      { subject: 'Objet {{numero}}', body: '{{demarche}} / {{numero}}' },
      { ...values, demarche: 'Titre {{numero}}' },
    );
    expect(composed.text).toBe('Titre {{numero}} / 2026-000042');
  });

  it('makes paragraphs at blank lines and keeps line breaks inside them', () => {
    expect(paragraphsOf('Bonjour,\n\n\n  Ligne 1\nLigne 2  \n \nFin\n')).toEqual([
      'Bonjour,',
      'Ligne 1\nLigne 2',
      'Fin',
    ]);
  });

  it('keeps the subject on one line and shortens a very long one', () => {
    const long = renderTemplateText(
      accepted,
      { subject: '{{demarche}} {{demarche}}', body: 'x' },
      { ...values, demarche: `Ligne\n${'é'.repeat(200)}` },
    );
    expect(long.subject).not.toContain('\n');
    expect(long.subject).toHaveLength(250);
    expect(long.subject?.endsWith('…')).toBe(true);
  });

  it('sends the administrator’s text and the values as text: no HTML gets through', () => {
    const composed = renderTemplateText(
      accepted,
      {
        subject: 'Réponse <b>{{numero}}</b>',
        body: 'Bonjour,\n\n<script>alert("{{nom}}")</script>\n<a href="x">lien</a>',
      },
      { ...values, nom: '<img src=x onerror=alert(1)>' },
    );
    const mail = renderMail(REQUEST_MAILS.requestStatusChanged, {
      communeName: 'Villebelle',
      text: { subject: composed.subject!, paragraphs: composed.paragraphs },
      trackingUrl: values.lien,
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).not.toContain('<a href="x">');
    expect(mail.html).toContain(
      '<p>&lt;script>alert(&quot;&lt;img src=x onerror=alert(1)>&quot;)&lt;/script><br/>&lt;a href=&quot;x&quot;>lien&lt;/a></p>',
    );
    expect(mail.html).toContain(`<a href="${values.lien}">Voir ma demande</a>`);
    expect(mail.text).toContain('<script>alert("<img src=x onerror=alert(1)>")</script>\n<a href="x">lien</a>');
    expect(mail.subject).toBe('Réponse <b>2026-000042</b>');
  });

  it('sends the default SMS of a Villebelle status change as one GSM SMS', () => {
    for (const status of ['en attente de votre réponse', 'acceptée', 'classée']) {
      const composed = renderTemplateText(sms, { subject: null, body: sms.defaultBody }, {
        ...exampleValues(sms, VILLEBELLE, PUBLIC_URL),
        statut: status,
      } satisfies PlaceholderValues);
      expect(measureSms(composed.text), composed.text).toMatchObject({ encoding: 'gsm7', segments: 1 });
    }
  });
});

describe('SMS length', () => {
  it.each([
    ['', 'gsm7', 0, 1],
    ['a'.repeat(160), 'gsm7', 160, 1],
    ['a'.repeat(161), 'gsm7', 161, 2],
    ['a'.repeat(306), 'gsm7', 306, 2],
    ['a'.repeat(307), 'gsm7', 307, 3],
    ['Prix : 10 € [TTC]', 'gsm7', 20, 1],
    ['Déjà réglé à la mairie', 'gsm7', 22, 1],
    ['Votre demande « acceptée »', 'ucs2', 26, 1],
    ['ê'.repeat(70), 'ucs2', 70, 1],
    ['ê'.repeat(71), 'ucs2', 71, 2],
  ] as const)('%j is %s, %i units, %i SMS', (text, encoding, units, segments) => {
    expect(measureSms(text)).toMatchObject({ encoding, units, segments });
  });

  it('names the characters outside the GSM alphabet', () => {
    expect(measureSms('Être « prêt » l’été').nonGsmCharacters).toEqual(['Ê', '«', 'ê', '»', '’']);
  });
});

describe('phone numbers for SMS', () => {
  it.each([
    ['06 12 34 56 78', '+33612345678'],
    ['07.12.34.56.78', '+33712345678'],
    ['+33 6 12 34 56 78', '+33612345678'],
    ['0033 (0)7 12 34 56 78', '+33712345678'],
    ['06 92 12 34 56', '+262692123456'],
    ['06 90 12 34 56', '+590690123456'],
    ['06 96 12 34 56', '+596696123456'],
    ['06 39 12 34 56', '+262639123456'],
    ['+32470123456', '+32470123456'],
    ['01 23 45 67 89', null],
    ['+33 1 23 45 67 89', null],
    ['08 00 12 34 56', null],
    ['06 12 34', null],
    ['pas un numéro', null],
  ])('%s → %s', (input, expected) => {
    expect(mobileE164(input)).toBe(expected);
  });

  it('masks numbers in provider messages', () => {
    expect(maskPhoneNumbers('Invalid receiver +33612345678 (06 12 34 56 78)')).toBe(
      'Invalid receiver [numéro masqué] ([numéro masqué])',
    );
    expect(maskPhoneNumbers('HTTP 500 en 10 s')).toBe('HTTP 500 en 10 s');
  });
});

describe('the number an SMS goes to', () => {
  const withPhone = (extra: FormDefinition['pages'][number]['fields'] = []): FormDefinition => ({
    schemaVersion: 1,
    title: 'Démarche',
    pages: [
      {
        id: 'p',
        title: 'Coordonnées',
        fields: [
          { id: 'nom', type: 'text', label: 'Nom' },
          { id: 'telephone', type: 'phone', label: 'Téléphone' },
          ...extra,
        ],
      },
    ],
  });
  const consent = { id: 'consentementSms', type: 'yesno' as const, label: 'Acceptez-vous de recevoir des SMS ?' };

  it.each([
    ['a mobile number', withPhone(), { telephone: '06 12 34 56 78' }, '+33612345678'],
    ['no number', withPhone(), { nom: 'Martin' }, null],
    ['an empty number', withPhone(), { telephone: '' }, null],
    ['a landline', withPhone(), { telephone: '01 23 45 67 89' }, null],
    [
      'consent asked and given',
      withPhone([consent]),
      { telephone: '06 12 34 56 78', consentementSms: true },
      '+33612345678',
    ],
    ['consent asked and refused', withPhone([consent]), { telephone: '06 12 34 56 78', consentementSms: false }, null],
    ['consent asked, not answered', withPhone([consent]), { telephone: '06 12 34 56 78' }, null],
    [
      'a text field prefilled with the phone',
      {
        schemaVersion: 1,
        title: 'D',
        pages: [{ id: 'p', title: 'P', fields: [{ id: 'tel', type: 'text', label: 'Tél.', prefill: 'phone' }] }],
      } satisfies FormDefinition,
      { tel: '07 11 22 33 44' },
      '+33711223344',
    ],
    [
      'a phone inside a repeatable group (someone else’s)',
      {
        schemaVersion: 1,
        title: 'D',
        pages: [
          {
            id: 'p',
            title: 'P',
            fields: [
              {
                id: 'contacts',
                type: 'group',
                label: 'Contacts',
                repeat: { min: 0, max: 3, itemLabel: 'contact' },
                fields: [{ id: 'telContact', type: 'phone', label: 'Téléphone' }],
              },
            ],
          },
        ],
      } satisfies FormDefinition,
      { contacts: [{ telContact: '06 12 34 56 78' }], telContact: '06 12 34 56 78' },
      null,
    ],
  ] as const)('%s', (_name, definition, answers, expected) => {
    expect(recipientFromAnswers(definition as FormDefinition, answers as Record<string, unknown>)).toBe(expected);
  });
});
