import { describe, expect, it } from 'vitest';
import {
  alphabetSize,
  CHARACTER_CLASS_SIZES,
  COMMON_PASSWORD_COUNT,
  checkPassword,
  commonPasswordMatch,
  entropyBits,
  MAXIMUM_LENGTH,
  MINIMUM_ENTROPY_BITS,
  meetsEntropyThreshold,
  minimumLength,
  PASSWORD_POLICY_VERSION,
  type PasswordContext,
  type PasswordVerdict,
} from './password-policy.js';

// A person with every kind of personal data the policy looks for.
const PERSON = {
  givenName: 'Camille',
  familyName: 'Durand',
  email: 'camille.durand85@exemple.fr',
  birthDate: '1985-03-12',
  communeName: 'Saint-Aubin-lès-Prés',
} as const;
const CITIZEN: PasswordContext = { audience: 'citizen', ...PERSON };
const STAFF: PasswordContext = { audience: 'staff', ...PERSON };

const MESSAGES = {
  common: 'Ce mot de passe figure parmi les mots de passe les plus courants ou déjà divulgués.',
  decorated:
    "Ce mot de passe n'est qu'un mot de passe très courant ou déjà divulgué, répété ou complété par des chiffres ou des symboles : les attaquants essaient ces variantes en premier.",
  givenName: 'Ce mot de passe contient votre prénom.',
  familyName: 'Ce mot de passe contient votre nom de famille.',
  email: "Ce mot de passe contient l'identifiant de votre adresse électronique (la partie avant « @ »).",
  birthDate: 'Ce mot de passe contient votre date ou votre année de naissance.',
  communeName: 'Ce mot de passe contient le nom de votre commune.',
  citizenLength: (n: number) => `Il faut au moins 12 caractères (${n} actuellement).`,
  staffLength: (n: number) =>
    `Il faut au moins 16 caractères pour un compte d'agent, d'élu ou d'administrateur (${n} actuellement).`,
  tooLong: (n: number) =>
    `Un mot de passe ne peut pas dépasser 256 caractères (${n} actuellement) : au-delà, sa vérification ralentirait le service pour tout le monde.`,
  entropy: (bits: number) =>
    `Ce mot de passe est trop prévisible pour sa longueur : environ ${bits} bits d'entropie, alors que la CNIL en demande au moins 80.`,
};

/** Deterministic pseudo-random string (no repeats or dictionary words to speak of). */
function randomString(length: number, seed = 42): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.!?#%+=';
  let state = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += alphabet[Math.floor((state / 2147483648) * alphabet.length)];
  }
  return out;
}

/** Every verdict must explain itself in French sentences, without quoting the password. */
function expectWellFormed(password: string, verdict: PasswordVerdict): void {
  expect(verdict.ok).toBe(verdict.problems.length === 0);
  for (const text of [...verdict.problems, ...verdict.suggestions]) {
    expect(text).toMatch(/^[A-ZÀ-ÖØ-Ý].*[.!?]$/su);
    if (password.length >= 4) expect(text).not.toContain(password);
  }
  expect([0, 1, 2, 3, 4]).toContain(verdict.score);
}

function check(password: string, context: PasswordContext): PasswordVerdict {
  const verdict = checkPassword(password, context);
  expectWellFormed(password, verdict);
  return verdict;
}

describe('constants', () => {
  it('policy version 1, 12 characters for citizens, 16 for staff, at most 256', () => {
    expect(PASSWORD_POLICY_VERSION).toBe(1);
    expect(minimumLength('citizen')).toBe(12);
    expect(minimumLength('staff')).toBe(16);
    expect(MAXIMUM_LENGTH).toBe(256);
    expect(MINIMUM_ENTROPY_BITS).toBe(80);
  });
});

describe('length', () => {
  it.each([
    // [label, password, context, expected length problem or null]
    ['citizen, 11 characters', 'Vx7#qLm2!pR', CITIZEN, MESSAGES.citizenLength(11)],
    ['citizen, 12 characters', 'Vx7#qLm2!pRz', CITIZEN, null],
    ['staff, 12 characters', 'Vx7#qLm2!pRz', STAFF, MESSAGES.staffLength(12)],
    ['staff, 15 characters', 'Vx7#qLm2!pRz4Tb', STAFF, MESSAGES.staffLength(15)],
    ['staff, 16 characters', 'Vx7#qLm2!pRz4TbK', STAFF, null],
    // Code points, not UTF-16 units: the fox is one character but two units.
    ['citizen, 11 code points / 12 UTF-16 units', 'Vx7#qLm2!p🦊', CITIZEN, MESSAGES.citizenLength(11)],
    ['citizen, 12 code points / 13 UTF-16 units', 'Vx7#qLm2!p🦊z', CITIZEN, null],
    // « é » typed as e + combining accent is one character after NFC.
    ['citizen, decomposed accent', 'Vx7#qLm2!pe\u0301', CITIZEN, MESSAGES.citizenLength(11)],
  ] as const)('%s', (_label, password, context, problem) => {
    const verdict = check(password, context);
    if (problem === null) {
      expect(verdict.ok).toBe(true);
      expect(verdict.problems).toEqual([]);
    } else {
      expect(verdict.ok).toBe(false);
      expect(verdict.problems).toContain(problem);
    }
  });

  it('256 characters are accepted, 257 refused with the reason (DoS guard)', () => {
    const longest = randomString(256);
    expect(check(longest, STAFF)).toMatchObject({ ok: true, problems: [] });
    const tooLong = randomString(257);
    const verdict = check(tooLong, STAFF);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([MESSAGES.tooLong(257)]);
  });

  it('the maximum counts code points too: 256 foxes are 512 UTF-16 units', () => {
    const foxes = `Pivoine-Tracteur-${'🦊'.repeat(239)}`;
    expect([...foxes]).toHaveLength(256);
    expect(check(foxes, CITIZEN).problems).not.toContain(MESSAGES.tooLong(256));
    expect(check(`${foxes}!`, CITIZEN).problems).toEqual([MESSAGES.tooLong(257)]);
  });

  it('an empty password asks for one', () => {
    expect(check('', CITIZEN)).toMatchObject({
      ok: false,
      problems: ["Saisissez un mot de passe d'au moins 12 caractères."],
      score: 0,
      entropyBits: 0,
    });
  });
});

describe('personal data', () => {
  it.each([
    // given name
    ['given name', 'Camille-Pivoine-Tracteur', CITIZEN, MESSAGES.givenName],
    ['given name, upper case', 'Pivoine-CAMILLE-Tracteur', CITIZEN, MESSAGES.givenName],
    ['given name, reversed', 'Pivoine-Ellimac-Tracteur', CITIZEN, MESSAGES.givenName],
    ['given name, leetspeak 4/1/3', 'Pivoine-C4m1ll3-Tracteur', CITIZEN, MESSAGES.givenName],
    [
      'given name, accent in the record',
      'Pivoine-Elodie-Tracteur',
      { audience: 'citizen', givenName: 'Élodie' },
      MESSAGES.givenName,
    ],
    [
      'given name, accent in the password',
      'Pivoine-Élodie-Tracteur',
      { audience: 'citizen', givenName: 'Elodie' },
      MESSAGES.givenName,
    ],
    [
      'compound given name, one part',
      'Pivoine-Pierre-Tracteur',
      { audience: 'citizen', givenName: 'Jean-Pierre' },
      MESSAGES.givenName,
    ],
    // family name
    ['family name', 'Pivoine-Durand-Tracteur', CITIZEN, MESSAGES.familyName],
    ['family name, reversed', 'Pivoine-dnaruD-Tracteur', CITIZEN, MESSAGES.familyName],
    ['family name, leetspeak @', 'Pivoine-DUR@ND-Tracteur', CITIZEN, MESSAGES.familyName],
    ['family name, leetspeak 4', 'Pivoine-Dur4nd-Tracteur', CITIZEN, MESSAGES.familyName],
    ['family name, split by a separator', 'Pivoine-Du.rand-Tracteur', CITIZEN, MESSAGES.familyName],
    [
      'family name with a particle',
      'Pivoine-Fontaine-Tracteur',
      { audience: 'citizen', familyName: 'de La Fontaine' },
      MESSAGES.familyName,
    ],
    [
      'family name, leetspeak 1→l and 0',
      'Pivoine-1ef0rt-Tracteur',
      { audience: 'citizen', familyName: 'Lefort' },
      MESSAGES.familyName,
    ],
    [
      'family name, leetspeak 5 and 7',
      'Pivoine-5ain7e-Tracteur',
      { audience: 'citizen', familyName: 'Sainte' },
      MESSAGES.familyName,
    ],
    // e-mail local part
    [
      'e-mail local part',
      'Pivoine-Zorglub-Tracteur',
      { audience: 'citizen', email: 'zorglub.pro@exemple.fr' },
      MESSAGES.email,
    ],
    [
      'e-mail local part, whole',
      'Pivoine-zorglubpro-Tracteur',
      { audience: 'citizen', email: 'zorglub.pro@exemple.fr' },
      MESSAGES.email,
    ],
    [
      'e-mail local part, reversed',
      'Pivoine-bulgroz-Tracteur',
      { audience: 'citizen', email: 'zorglub.pro@exemple.fr' },
      MESSAGES.email,
    ],
    [
      'e-mail local part, letters before digits',
      'Pivoine-Kdurand-Tracteur',
      { audience: 'citizen', email: 'kdurand1985@exemple.fr' },
      MESSAGES.email,
    ],
    // birth date, 1985-03-12
    ['birth year', 'Pivoine-Tracteur-1985', CITIZEN, MESSAGES.birthDate],
    ['birth year, reversed', 'Pivoine-Tracteur-5891', CITIZEN, MESSAGES.birthDate],
    ['birth date DDMMYYYY', 'Pivoine-Tracteur-12031985', CITIZEN, MESSAGES.birthDate],
    ['birth date DD/MM/YYYY', 'Pivoine-Tracteur-12/03/1985', CITIZEN, MESSAGES.birthDate],
    ['birth date DD.MM.YY', 'Pivoine-Tracteur-12.03.85', CITIZEN, MESSAGES.birthDate],
    ['birth date DDMMYY', 'Pivoine-Tracteur-120385', CITIZEN, MESSAGES.birthDate],
    ['birth date ISO', 'Pivoine-Tracteur-1985-03-12', CITIZEN, MESSAGES.birthDate],
    ['birth date MMDDYYYY', 'Pivoine-Tracteur-03121985', CITIZEN, MESSAGES.birthDate],
    [
      'birth date without zeros',
      'Pivoine-Tracteur-2/3/1985',
      { audience: 'citizen', birthDate: '1985-03-02' },
      MESSAGES.birthDate,
    ],
    ['birth date with the month in letters', 'Pivoine-Tracteur-12Mars1985', CITIZEN, MESSAGES.birthDate],
    // commune
    ['commune, accents and hyphens dropped', 'Pivoine-saintaubin-Tracteur', CITIZEN, MESSAGES.communeName],
    ['commune, as written', 'Pivoine-Saint-Aubin-Tracteur', CITIZEN, MESSAGES.communeName],
    ['commune, significant word', 'Pivoine-Tracteur-Prés', CITIZEN, MESSAGES.communeName],
    ['commune, leetspeak', 'Pivoine-4ub1n-Tracteur', CITIZEN, MESSAGES.communeName],
    [
      'commune with an initial accent',
      'Pivoine-evry-Tracteur',
      { audience: 'staff', communeName: 'Évry-Courcouronnes' },
      MESSAGES.communeName,
    ],
  ] as const)('refuses the %s', (_label, password, context, message) => {
    const verdict = check(password, context);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContain(message);
  });

  it.each([
    ['a given name shorter than 3 characters', 'Jolie-Pivoine-Tracteur', { audience: 'citizen', givenName: 'Jo' }],
    ['the particles of a commune name (saint, les)', 'Saintes-Pivoines-Lagunes-Hibou', CITIZEN],
    [
      'the particle of a family name (de, la)',
      'Ladeuil-Pivoine-Tracteur',
      { audience: 'citizen', familyName: 'de La Fontaine' },
    ],
    [
      'the « +tag » of an e-mail address',
      'Pivoine-Guichet-Tracteur',
      { audience: 'citizen', email: 'zorglub+guichet@exemple.fr' },
    ],
    [
      'a birth date given in another format',
      'Pivoine-Tracteur-Lagune-1985',
      { audience: 'citizen', birthDate: '12/03/1985' },
    ],
    ['a commune reduced to one letter', 'Pivoine-Tracteur-Lagune-Yeti', { audience: 'citizen', communeName: 'Y' }],
  ] as const)('ignores %s', (_label, password, context) => {
    expect(check(password, context)).toMatchObject({ ok: true, problems: [] });
  });

  it('reports every kind found, one sentence each', () => {
    const verdict = check('Camille-Durand-1985-SaintAubin', CITIZEN);
    expect(verdict.problems).toEqual(
      expect.arrayContaining([
        MESSAGES.givenName,
        MESSAGES.familyName,
        MESSAGES.email,
        MESSAGES.birthDate,
        MESSAGES.communeName,
      ]),
    );
    expect(verdict.suggestions.some((s) => s.includes("même à l'envers"))).toBe(true);
  });
});

describe('common and breached passwords', () => {
  it('ships a real list, loaded once', () => {
    expect(COMMON_PASSWORD_COUNT).toBeGreaterThan(40_000);
  });

  it.each([
    'azerty',
    'azertyuiop',
    'motdepasse',
    'soleil',
    'doudou',
    'loulou',
    'chouchou',
    'marseille',
    'bonjour',
    '123456789',
    'password',
    'jetaime',
  ])('%s is in the list', (password) => {
    expect(commonPasswordMatch(password)).toBe('exact');
  });

  it.each([
    ['azerty123', MESSAGES.common],
    ['motdepasse', MESSAGES.common],
    ['Azerty123456', MESSAGES.common],
    ['MotDePasse123', MESSAGES.common],
    ['Marseille13', MESSAGES.common],
    ['&é"\'(-è_çà123', MESSAGES.common],
    ['P@ssw0rd', MESSAGES.common],
    ['M0td3p4ss3', MESSAGES.common],
    ['Motdepasse2024!', MESSAGES.decorated],
    ['!!Soleil1985!!', MESSAGES.decorated],
    ['Chouchou#2024#', MESSAGES.decorated],
    ['soleilsoleilsoleil', MESSAGES.decorated],
  ])('refuses %s', (password, message) => {
    const verdict = check(password, { audience: 'citizen' });
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContain(message);
  });

  it('does not refuse a passphrase that merely contains a common word', () => {
    expect(commonPasswordMatch('soleil-agrafe-batterie-correct')).toBeNull();
    expect(check('Soleil-Agrafe-Batterie-Correct', CITIZEN).ok).toBe(true);
  });
});

describe('CNIL entropy E = L × log2(N)', () => {
  it.each([
    ['abc', 26],
    ['ABC', 26],
    ['123', 10],
    ['!?- ', 37],
    ['aB1!', CHARACTER_CLASS_SIZES.lower + CHARACTER_CLASS_SIZES.upper + 10 + 37],
    ['é', 18],
    ['É', 18],
    ['aé', 44],
    ['aBéÉ1!', 26 + 26 + 18 + 18 + 10 + 37],
    ['🦊', 37],
  ])('alphabet of %j is %i symbols', (password, size) => {
    expect(alphabetSize(password)).toBe(size);
  });

  it('the CNIL example, 12 characters over 99 symbols, is 79.6 bits and counts as 80 (rounded)', () => {
    expect(alphabetSize('aB1!')).toBe(99);
    expect(entropyBits(12, 99)).toBeCloseTo(79.55, 2);
    expect(meetsEntropyThreshold(entropyBits(12, 99))).toBe(true);
  });

  it.each([
    [12, 90, 77.9, false],
    [14, 62, 83.4, true], // the CNIL's « 14 characters without special characters »
    [12, 62, 71.5, false],
    [16, 26, 75.2, false],
    [17, 26, 79.9, true],
  ])('%i characters over %i symbols ≈ %f bits → %s', (length, size, bits, accepted) => {
    expect(entropyBits(length, size)).toBeCloseTo(bits, 1);
    expect(meetsEntropyThreshold(entropyBits(length, size))).toBe(accepted);
  });

  it.each([
    [79.49, false],
    [79.5, true],
    [80, true],
  ])('rounding boundary: %f bits → %s', (bits, accepted) => {
    expect(meetsEntropyThreshold(bits)).toBe(accepted);
  });

  it('accepts 12 characters from the four classes (CNIL example, end to end)', () => {
    expect(check('Vx7#qLm2!pRz', CITIZEN)).toMatchObject({ ok: true, entropyBits: 79.6, problems: [] });
  });

  it('refuses 12 characters over 91 symbols (no upper case) for entropy alone', () => {
    // lower 26 + accented lower 18 + digits 10 + specials 37 = 91 → 12 × log2(91) ≈ 78.1
    const verdict = check('vé7#qlm2!pàz', CITIZEN);
    expect(verdict.entropyBits).toBe(78.1);
    expect(verdict.problems).toEqual([MESSAGES.entropy(78)]);
  });

  it('accepts 14 characters without special characters (CNIL example, end to end)', () => {
    expect(check('Vx7qLm2pRz4TbK', CITIZEN)).toMatchObject({ ok: true, problems: [] });
  });
});

describe('passphrases', () => {
  it.each([
    ['cheval-agrafe-batterie-correct-8', CITIZEN],
    ['cheval agrafe batterie correct', CITIZEN],
    ['Pivoine-Tracteur-Lagune-Hibou-2031', STAFF],
    ['pivoine tracteur lagune hibou', STAFF],
  ] as const)('accepts %j without every character class', (password, context) => {
    const verdict = check(password, context);
    expect(verdict).toMatchObject({ ok: true, problems: [] });
    expect(verdict.score).toBeGreaterThanOrEqual(3);
    expect(verdict.entropyBits).toBeGreaterThan(MINIMUM_ENTROPY_BITS);
  });
});

describe('zxcvbn feedback, in French', () => {
  it('explains a repeated-character password with the French translations', () => {
    const verdict = check('aaaaaaaaaaaaaaaa', STAFF);
    expect(verdict.ok).toBe(false);
    expect(verdict.score).toBeLessThan(3);
    expect(verdict.problems).toContain(
      `Ce mot de passe serait deviné trop vite par un programme d'attaque (robustesse estimée à ${verdict.score} sur 4, il faut au moins 3).`,
    );
    expect(verdict.problems).toContain("Les caractères répétés comme 'aaa' sont faciles à deviner.");
    expect(verdict.suggestions).toContain('Évitez les mots et les caractères répétés.');
  });

  it('explains a keyboard pattern', () => {
    const verdict = check('qsdfghjklmù*$^poiuytreza', STAFF);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.some((p) => /clavier/.test(p))).toBe(true);
  });

  it('does not repeat the « common password » warning already given by the local list', () => {
    const verdict = check('azerty123', CITIZEN);
    expect(verdict.problems).toContain(MESSAGES.common);
    expect(verdict.problems).not.toContain('Ce mot de passe est couramment utilisé.');
  });

  it('gives the reasons in French for a weak citizen password, all at once', () => {
    const verdict = check('soleil', CITIZEN);
    expect(verdict.problems).toEqual([
      MESSAGES.citizenLength(6),
      MESSAGES.common,
      MESSAGES.entropy(28),
      expect.stringMatching(/^Ce mot de passe serait deviné trop vite/),
    ]);
    expect(verdict.suggestions.length).toBeGreaterThan(0);
  });
});
