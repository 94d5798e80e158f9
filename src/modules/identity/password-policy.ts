// Password policy (version 1), checked when a password is chosen or changed.
//
// Sources (see docs/reference/domain-rules.md §8.2):
// - ANSSI, « Recommandations relatives à l'authentification multifacteur et aux mots de passe »,
//   v2.0, October 2021, written with the CNIL: refuse common passwords and personal data, no
//   forced periodic renewal (so nothing here expires).
// - ANSSI MonServiceSécurisé: at least 12 characters for users, 16 for administrators.
// - CNIL délibération n° 2022-100 of 17 October 2022: a password used alone needs an entropy
//   E = L × log2(N) of at least 80 bits (L = length, N = size of the alphabet used).
//
// Checks, in order: length (12 citizens / 16 staff, at most 256), the local list of common or
// breached passwords (data/common-passwords.txt, built by scripts/build-common-passwords.mjs),
// the person's own data (names, e-mail, birth date, commune), the CNIL entropy, then zxcvbn-ts
// with the French dictionaries (score ≥ 3). Every problem is a French sentence saying why.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ZxcvbnResult } from '@zxcvbn-ts/core';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnFr from '@zxcvbn-ts/language-fr';
import { MAX_PASSWORD_CODE_POINTS } from './passwords.js';

/** Bump when the rules change, so stored passwords can be re-checked at the next login. */
export const PASSWORD_POLICY_VERSION = 1;

/** `staff` = agents, élus, administrators and operators. */
export type PasswordAudience = 'citizen' | 'staff';

export interface PasswordContext {
  audience: PasswordAudience;
  email?: string;
  givenName?: string;
  familyName?: string;
  /** YYYY-MM-DD */
  birthDate?: string;
  communeName?: string;
}

export interface PasswordVerdict {
  ok: boolean;
  /** French sentences, each saying why the password is refused. Empty when `ok`. */
  problems: string[];
  /** French advice for choosing a better password. */
  suggestions: string[];
  /** zxcvbn score; 0 when the password was not assessed (empty or too long). */
  score: 0 | 1 | 2 | 3 | 4;
  /** CNIL estimate E = L × log2(N), to one decimal. */
  entropyBits: number;
}

/** Minimum length in code points (ANSSI MonServiceSécurisé: 12 for users, 16 for administrators). */
export const MINIMUM_LENGTH: Readonly<Record<PasswordAudience, number>> = Object.freeze({ citizen: 12, staff: 16 });

/** Maximum length in code points: Argon2 and zxcvbn costs grow with length (DoS guard). */
export const MAXIMUM_LENGTH = MAX_PASSWORD_CODE_POINTS;

/** CNIL délibération 2022-100: 80 bits for a password used alone. */
export const MINIMUM_ENTROPY_BITS = 80;

/** zxcvbn score required: 3 means an estimated 10^8 guesses or more (« safely unguessable »). */
export const MINIMUM_ZXCVBN_SCORE = 3;

/** Personal-data fragments shorter than this are ignored (« Jo », « Y », « 85 »). */
const MINIMUM_FRAGMENT_LENGTH = 3;

export function minimumLength(audience: PasswordAudience): number {
  return MINIMUM_LENGTH[audience];
}

// ---------------------------------------------------------------------------------------------
// CNIL entropy

/**
 * Alphabet sizes per character class for E = L × log2(N). The first four are the CNIL's
 * (26 lower-case, 26 upper-case, 10 digits, 37 special characters: 26 + 26 + 10 + 37 = 99);
 * accented letters are counted as the 18 French ones in each case
 * (à â ä ç é è ê ë î ï ô ö ù û ü ÿ æ œ). Letters of other scripts count as accented letters;
 * everything that is neither a letter nor an ASCII digit counts as a special character.
 */
export const CHARACTER_CLASS_SIZES = Object.freeze({
  lower: 26,
  upper: 26,
  digit: 10,
  special: 37,
  accentedLower: 18,
  accentedUpper: 18,
});

type CharacterClass = keyof typeof CHARACTER_CLASS_SIZES;

function characterClass(char: string): CharacterClass {
  if (char >= 'a' && char <= 'z') return 'lower';
  if (char >= 'A' && char <= 'Z') return 'upper';
  if (char >= '0' && char <= '9') return 'digit';
  if (/[\p{Lu}\p{Lt}]/u.test(char)) return 'accentedUpper';
  if (/\p{L}/u.test(char)) return 'accentedLower';
  return 'special';
}

/** N: the sum of the sizes of the character classes the password uses. */
export function alphabetSize(password: string): number {
  const used = new Set<CharacterClass>();
  for (const char of password.normalize('NFC')) used.add(characterClass(char));
  let size = 0;
  for (const cls of used) size += CHARACTER_CLASS_SIZES[cls];
  return size;
}

/** E = L × log2(N), unrounded. */
export function entropyBits(length: number, alphabet: number): number {
  if (length <= 0 || alphabet <= 1) return 0;
  return length * Math.log2(alphabet);
}

/**
 * Compares to the 80-bit bar after rounding to the nearest bit. The CNIL presents
 * « 12 caractères parmi 99 symboles » (12 × log2 99 ≈ 79.55 bits) as meeting 80 bits
 * (délibération 2022-100 and its summary sheet), so a strict 80.0 cut-off would contradict
 * its own example; 12 characters over 90 symbols (≈ 77.9 bits) still fails.
 */
export function meetsEntropyThreshold(bits: number): boolean {
  return Math.round(bits) >= MINIMUM_ENTROPY_BITS;
}

// ---------------------------------------------------------------------------------------------
// Normalisation helpers

function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** Lower-case, without accents or ligatures: « Saint-Aubin-lès-Prés » → « saint-aubin-les-pres ». */
function fold(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss');
}

/** Letters and digits only. */
function compact(value: string): string {
  return value.replace(/[^\p{L}\p{N}]/gu, '');
}

function reverse(value: string): string {
  return [...value].reverse().join('');
}

const LEET: Readonly<Record<string, string>> = Object.freeze({
  '0': 'o',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
});

/** Undoes common leetspeak; « 1 » stands for « i » or « l », hence the parameter. */
function unleet(value: string, one: 'i' | 'l'): string {
  let out = '';
  for (const char of value) out += char === '1' ? one : (LEET[char] ?? char);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Common and breached passwords

const COMMON_PASSWORDS_FILE = 'common-passwords.txt';

function loadCommonPasswords(): ReadonlySet<string> {
  // Sibling data/ folder when run from src/ (tsx, vitest); from dist/, `tsc` does not copy
  // the .txt, so fall back to the copy under src/ (both are three levels below the root).
  const candidates = [
    path.join(import.meta.dirname, 'data', COMMON_PASSWORDS_FILE),
    path.resolve(import.meta.dirname, '../../../src/modules/identity/data', COMMON_PASSWORDS_FILE),
  ];
  const file = candidates.find((candidate) => existsSync(candidate));
  if (file === undefined) throw new Error(`Liste des mots de passe courants introuvable : ${candidates.join(', ')}`);
  const set = new Set<string>();
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length === 0 || line.startsWith('# ')) continue;
    set.add(line);
  }
  return set;
}

const COMMON_PASSWORDS = loadCommonPasswords();

/** Number of entries in the local list of common or breached passwords. */
export const COMMON_PASSWORD_COUNT = COMMON_PASSWORDS.size;

/** Strips digits and symbols at both ends: « 2024!Soleil!! » → « soleil ». */
function stripDecorations(value: string): string {
  return value.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
}

/** The shortest unit the value repeats: « soleilsoleilsoleil » → « soleil ». */
function repeatedUnit(value: string): string {
  const index = (value + value).indexOf(value, 1);
  return index > 0 && index < value.length ? value.slice(0, index) : value;
}

/**
 * `exact`: the password (case-insensitively, with or without accents or leetspeak) is in the
 * list; `decorated`: it is a listed password with only digits or symbols added around it,
 * or a listed password repeated (« soleilsoleil2024 », « !!Motdepasse2024 »).
 */
export function commonPasswordMatch(password: string): 'exact' | 'decorated' | null {
  const lower = password.normalize('NFC').toLowerCase();
  const variants = new Set([lower, fold(lower), unleet(lower, 'i'), unleet(lower, 'l')]);
  for (const variant of variants) if (COMMON_PASSWORDS.has(variant)) return 'exact';
  for (const variant of variants) {
    const core = stripDecorations(variant);
    for (const candidate of new Set([core, repeatedUnit(core), repeatedUnit(variant)])) {
      if (candidate === variant || codePoints(candidate) < MINIMUM_FRAGMENT_LENGTH) continue;
      if (COMMON_PASSWORDS.has(candidate)) return 'decorated';
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Personal data

type PersonalDataKind = 'givenName' | 'familyName' | 'email' | 'birthDate' | 'communeName';

const PERSONAL_DATA_PROBLEMS: Readonly<Record<PersonalDataKind, string>> = Object.freeze({
  givenName: 'Ce mot de passe contient votre prénom.',
  familyName: 'Ce mot de passe contient votre nom de famille.',
  email: "Ce mot de passe contient l'identifiant de votre adresse électronique (la partie avant « @ »).",
  birthDate: 'Ce mot de passe contient votre date ou votre année de naissance.',
  communeName: 'Ce mot de passe contient le nom de votre commune.',
});

/**
 * Particles that are not, on their own, personal: « de La Tour », « Saint-Aubin-lès-Prés »,
 * « Le Mée-sur-Seine ». Words of one or two letters are dropped by length anyway.
 */
const PARTICLES = new Set([
  'saint',
  'sainte',
  'les',
  'lez',
  'sur',
  'sous',
  'aux',
  'des',
  'del',
  'della',
  'dos',
  'das',
  'van',
  'von',
  'der',
  'den',
  'ben',
]);

const FRENCH_MONTHS = [
  'janvier',
  'fevrier',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'aout',
  'septembre',
  'octobre',
  'novembre',
  'decembre',
];

function longEnough(fragment: string): boolean {
  return codePoints(fragment) >= MINIMUM_FRAGMENT_LENGTH;
}

/** The whole name without separators, plus each significant word of it. */
function nameFragments(name: string | undefined, skipParticles: boolean): string[] {
  if (!name) return [];
  const folded = fold(name);
  const words = folded.split(/[^\p{L}\p{N}]+/u).filter((word) => !(skipParticles && PARTICLES.has(word)));
  return [compact(folded), ...words].filter(longEnough);
}

/** The local part of the address (without any « +tag »), its words, and their letter/digit runs. */
function emailFragments(email: string | undefined): string[] {
  if (!email) return [];
  const at = email.lastIndexOf('@');
  const local = fold(at >= 0 ? email.slice(0, at) : email).split('+')[0] ?? '';
  const words = local.split(/[^\p{L}\p{N}]+/u);
  const runs = words.flatMap((word) => word.match(/\p{L}+|\p{N}+/gu) ?? []);
  return [compact(local), ...words, ...runs].filter(longEnough);
}

/**
 * Common French ways of writing a birth date, here 1985-03-12: 1985, 12031985 (also typed
 * 12/03/1985 or 12.03.1985, separators are ignored), 120385, 19850312 (1985-03-12), 850312,
 * 03121985 and 031285 (US order), 1231985 (no leading zeros), 12mars1985, 12mars85.
 */
function birthDateFragments(birthDate: string | undefined): string[] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate?.trim() ?? '');
  if (!match) return [];
  const [, yyyy = '', mm = '', dd = ''] = match;
  const month = Number(mm);
  if (month < 1 || month > 12 || Number(dd) < 1 || Number(dd) > 31) return [];
  const yy = yyyy.slice(2);
  const d = String(Number(dd));
  const m = String(month);
  const monthName = FRENCH_MONTHS[month - 1] ?? '';
  return [
    yyyy,
    `${dd}${mm}${yyyy}`,
    `${dd}${mm}${yy}`,
    `${yyyy}${mm}${dd}`,
    `${yy}${mm}${dd}`,
    `${mm}${dd}${yyyy}`,
    `${mm}${dd}${yy}`,
    `${d}${m}${yyyy}`,
    `${m}${d}${yyyy}`,
    `${dd}${monthName}${yyyy}`,
    `${d}${monthName}${yyyy}`,
    `${dd}${monthName}${yy}`,
    `${d}${monthName}${yy}`,
  ];
}

function personalFragments(context: PasswordContext): Record<PersonalDataKind, string[]> {
  return {
    givenName: nameFragments(context.givenName, false),
    familyName: nameFragments(context.familyName, true),
    email: emailFragments(context.email),
    birthDate: birthDateFragments(context.birthDate),
    communeName: nameFragments(context.communeName, true),
  };
}

/**
 * Which kinds of personal data the password contains, case- and accent-insensitively,
 * forwards or reversed, and through leetspeak (0→o 1→i/l 3→e 4→a 5→s 7→t @→a $→s).
 */
function personalDataFound(password: string, fragments: Record<PersonalDataKind, string[]>): PersonalDataKind[] {
  const folded = fold(password);
  const plain = compact(folded);
  const forms = [plain, compact(unleet(folded, 'i')), compact(unleet(folded, 'l'))];
  const found: PersonalDataKind[] = [];
  for (const kind of Object.keys(fragments) as PersonalDataKind[]) {
    // Dates are digits: undoing leetspeak would only destroy them.
    const searched = kind === 'birthDate' ? [plain] : forms;
    const hit = fragments[kind].some((fragment) => {
      const reversed = reverse(fragment);
      return searched.some((form) => form.includes(fragment) || form.includes(reversed));
    });
    if (hit) found.push(kind);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// zxcvbn-ts with the French dictionaries

let zxcvbnFactory: ZxcvbnFactory | undefined;

/**
 * zxcvbn only sees the first 64 code points. Its cost grows quickly with length: with the
 * defaults, a random 256-character password blocks the event loop for about 1.3 s (most of it
 * in the l33t matcher), against about 50 ms here. Whatever follows 64 characters can only add
 * strength, and the other checks (list, personal data, entropy) still read the whole password.
 */
export const ZXCVBN_ASSESSED_LENGTH = 64;

/**
 * Built on first use (~50 ms). zxcvbn-ts v4 has no global options any more: each factory
 * carries its dictionaries, keyboard graphs and translations (without `translations`, feedback
 * comes back as bare keys). Options: `l33tMaxSubstitutions` 10 instead of 100 (same scores on
 * « P@ssw0rd! », « M0td3P4ss3! », « Tr0ub4d0r&3 », five to ten times faster on long input);
 * Levenshtein matching stays off (100–250 ms per check instead of 5–50 ms; the local list
 * already catches decorated common passwords).
 */
function zxcvbn(): ZxcvbnFactory {
  zxcvbnFactory ??= new ZxcvbnFactory({
    translations: zxcvbnFr.translations,
    graphs: zxcvbnCommon.adjacencyGraphs,
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnFr.dictionary },
    l33tMaxSubstitutions: 10,
    // In UTF-16 units; the input is already cut to ZXCVBN_ASSESSED_LENGTH code points.
    maxLength: ZXCVBN_ASSESSED_LENGTH * 2,
  });
  return zxcvbnFactory;
}

/** French warning text → translation key, to drop warnings our own checks already made. */
const ZXCVBN_WARNING_KEYS = new Map(
  Object.entries(zxcvbnFr.translations.warnings).map(([key, text]) => [text, key] as const),
);
const COMMON_WARNING_KEYS = new Set(['topTen', 'topHundred', 'common', 'similarToCommon', 'pwned']);

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function userInputs(context: PasswordContext, fragments: Record<PersonalDataKind, string[]>): string[] {
  const raw = [context.email, context.givenName, context.familyName, context.birthDate, context.communeName];
  const all = [...raw.filter((value): value is string => !!value).map(fold), ...Object.values(fragments).flat()];
  return [...new Set(all)];
}

// ---------------------------------------------------------------------------------------------
// The verdict

const SUGGEST_PASSPHRASE =
  'Pensez à une phrase de passe : quatre ou cinq mots sans rapport entre eux, séparés par des tirets ou des espaces.';
const SUGGEST_UNIQUE = "Choisissez un mot de passe que vous n'utilisez sur aucun autre site.";
const SUGGEST_PERSONAL =
  "N'utilisez ni votre nom, ni votre prénom, ni votre date de naissance, ni le nom de votre commune, même à l'envers ou avec des chiffres à la place des lettres.";
const SUGGEST_ENTROPY =
  'Allongez votre mot de passe, ou mélangez minuscules, majuscules, chiffres et caractères spéciaux.';

function lengthProblem(audience: PasswordAudience, length: number): string {
  const minimum = minimumLength(audience);
  return audience === 'staff'
    ? `Il faut au moins ${minimum} caractères pour un compte d'agent, d'élu ou d'administrateur (${length} actuellement).`
    : `Il faut au moins ${minimum} caractères (${length} actuellement).`;
}

/**
 * Checks a candidate password against the policy for the given person. Pure and synchronous
 * (usually 5–50 ms, at most about 60 ms, nearly all of it zxcvbn); never stores or logs the
 * password, and no problem sentence quotes it.
 */
export function checkPassword(password: string, context: PasswordContext): PasswordVerdict {
  const normalised = password.normalize('NFC');
  const length = codePoints(normalised);
  const bits = entropyBits(length, alphabetSize(normalised));
  const entropy = Math.round(bits * 10) / 10;
  const problems: string[] = [];
  const suggestions: string[] = [];

  if (length === 0) {
    return {
      ok: false,
      problems: [`Saisissez un mot de passe d'au moins ${minimumLength(context.audience)} caractères.`],
      suggestions: [SUGGEST_PASSPHRASE],
      score: 0,
      entropyBits: 0,
    };
  }
  if (length > MAXIMUM_LENGTH) {
    // Nothing else is assessed: the guard exists so that long input costs nothing.
    return {
      ok: false,
      problems: [
        `Un mot de passe ne peut pas dépasser ${MAXIMUM_LENGTH} caractères (${length} actuellement) : au-delà, sa vérification ralentirait le service pour tout le monde.`,
      ],
      suggestions: [],
      score: 0,
      entropyBits: entropy,
    };
  }

  if (length < minimumLength(context.audience)) {
    problems.push(lengthProblem(context.audience, length));
    suggestions.push(SUGGEST_PASSPHRASE);
  }

  const common = commonPasswordMatch(normalised);
  if (common === 'exact') {
    problems.push('Ce mot de passe figure parmi les mots de passe les plus courants ou déjà divulgués.');
  } else if (common === 'decorated') {
    problems.push(
      "Ce mot de passe n'est qu'un mot de passe très courant ou déjà divulgué, répété ou complété par des chiffres ou des symboles : les attaquants essaient ces variantes en premier.",
    );
  }
  if (common) suggestions.push(SUGGEST_UNIQUE);

  const fragments = personalFragments(context);
  const personal = personalDataFound(normalised, fragments);
  for (const kind of personal) problems.push(PERSONAL_DATA_PROBLEMS[kind]);
  if (personal.length > 0) suggestions.push(SUGGEST_PERSONAL);

  if (!meetsEntropyThreshold(bits)) {
    problems.push(
      `Ce mot de passe est trop prévisible pour sa longueur : environ ${Math.round(bits)} bits d'entropie, alors que la CNIL en demande au moins ${MINIMUM_ENTROPY_BITS}.`,
    );
    suggestions.push(SUGGEST_ENTROPY);
  }

  const assessed = [...normalised].slice(0, ZXCVBN_ASSESSED_LENGTH).join('');
  const result: ZxcvbnResult = zxcvbn().check(assessed, userInputs(context, fragments));
  if (result.score < MINIMUM_ZXCVBN_SCORE) {
    problems.push(
      `Ce mot de passe serait deviné trop vite par un programme d'attaque (robustesse estimée à ${result.score} sur 4, il faut au moins ${MINIMUM_ZXCVBN_SCORE}).`,
    );
    const warning = result.feedback.warning;
    const key = warning ? ZXCVBN_WARNING_KEYS.get(warning) : undefined;
    const alreadySaid =
      (key !== undefined && COMMON_WARNING_KEYS.has(key) && common !== null) ||
      (key === 'userInputs' && personal.length > 0);
    if (warning && !alreadySaid) problems.push(sentence(warning));
    suggestions.push(...result.feedback.suggestions.map(sentence));
  }

  return {
    ok: problems.length === 0,
    problems: [...new Set(problems)],
    suggestions: [...new Set(suggestions)],
    score: result.score,
    entropyBits: entropy,
  };
}
