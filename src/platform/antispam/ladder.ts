/**
 * The spam ladder of anonymous submissions (docs/decisions/0025-local-addresses-and-spam-ladder.md).
 *
 * 1. A honeypot field (`site_web`): visually hidden, labelled « ne pas remplir ». Filled → refused
 *    politely, nothing stored, the form shown again as typed.
 * 2. Counters per client address (IPv6: its /64) and per commune over 10 minutes, in the
 *    `rate_limit` table (one upsert each, like the HTTP limiter of decision 0008).
 * 3. Past `challengeAfter` (address) or `communeChallengeAfter` (commune): a proof of work served
 *    by Guichet itself (ALTCHA, verified with altcha-lib), or without JavaScript a short question.
 *    Each solved challenge is accepted once (its nonce is recorded until it expires).
 * 4. Past `blockAfter` from one address: refused (429) until the window ends — the form is shown
 *    again with everything typed. There is no commune-wide block: it would let anyone close a
 *    commune's form; past its threshold everyone pays the proof of work instead.
 *
 * Signed-in people are not counted here (their sessions are throttled by identity).
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { type Challenge, createChallenge, type Solution, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type pg from 'pg';
import { AppError } from '../errors.js';

export const HONEYPOT_FIELD = 'site_web';
export const ALTCHA_FIELD = 'altcha';
export const QUESTION_ANSWER_FIELD = 'verification_reponse';
export const QUESTION_TOKEN_FIELD = 'verification_jeton';
/** The error key of the ladder's messages (the error summary links to the challenge). */
export const CHALLENGE_ERROR_KEY = 'verification';

const WINDOW_MS = 10 * 60_000;
const CHALLENGE_TTL_S = 20 * 60;
/** The proof of work: ~50–100 thousand SHA-256 for the browser, one for the server. */
const POW = { algorithm: 'SHA-256', cost: 1, min: 50_000, max: 100_000 } as const;

export interface AnonymousLimits {
  challengeAfter: number;
  blockAfter: number;
  communeChallengeAfter: number;
}

/** What the form shows: nothing more, or a challenge (the ALTCHA JSON and the fallback question). */
export type ChallengeView = null | {
  altcha: string;
  question: { text: string; token: string };
};

const NUMBERS = ['zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix'];

/** The key of a client address: IPv4 as it is, IPv6 by its /64 (one household or host). */
export function addressKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip)) return ip.slice(7);
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

const COUNT = `
  INSERT INTO rate_limit AS r (key, hits, reset_at)
  VALUES ($1, 1, now() + make_interval(secs => $2::double precision / 1000))
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.hits + 1 END,
    reset_at = CASE WHEN r.reset_at <= now() THEN EXCLUDED.reset_at ELSE r.reset_at END
  RETURNING hits, GREATEST(0, ceil(extract(epoch FROM (reset_at - now()))))::int AS seconds`;
const READ = `SELECT hits FROM rate_limit WHERE key = $1 AND reset_at > now()`;
/** Records a solved challenge's nonce; no row back: already used. */
const SPEND = `
  INSERT INTO rate_limit AS r (key, hits, reset_at) VALUES ($1, 1, now() + make_interval(secs => $2))
  ON CONFLICT (key) DO UPDATE SET hits = r.hits + 1, reset_at = r.reset_at WHERE r.reset_at <= now()
  RETURNING hits`;

export class SpamLadder {
  readonly #secret: string;

  constructor(
    private readonly pool: pg.Pool,
    private readonly limits: AnonymousLimits,
    secret: string | undefined,
  ) {
    this.#secret = createHmac('sha256', secret ?? randomBytes(32).toString('hex'))
      .update('antispam')
      .digest('hex');
  }

  /** Whether the next anonymous submission from this address to this commune needs a challenge. */
  async challengeFor(communeId: string, ip: string): Promise<ChallengeView> {
    const [address, commune] = await Promise.all([
      this.pool.query<{ hits: number }>(READ, [`anon:address:${addressKey(ip)}`]),
      this.pool.query<{ hits: number }>(READ, [`anon:commune:${communeId}`]),
    ]);
    const a = address.rows[0]?.hits ?? 0;
    const c = commune.rows[0]?.hits ?? 0;
    return a >= this.limits.challengeAfter || c >= this.limits.communeChallengeAfter ? this.newChallenge() : null;
  }

  /** A new challenge: an ALTCHA proof of work, and the question for browsers without JavaScript. */
  async newChallenge(): Promise<NonNullable<ChallengeView>> {
    const expiresAt = new Date(Date.now() + CHALLENGE_TTL_S * 1000);
    const challenge = await createChallenge({
      algorithm: POW.algorithm,
      cost: POW.cost,
      counter: randomInt(POW.min, POW.max),
      deriveKey,
      expiresAt,
      hmacSignatureSecret: this.#secret,
      hmacKeySignatureSecret: `${this.#secret}:key`,
    });
    const a = randomInt(1, 10);
    const b = randomInt(1, 10);
    const expires = Math.floor(expiresAt.getTime() / 1000);
    const nonce = randomBytes(12).toString('hex');
    return {
      altcha: JSON.stringify(challenge),
      question: {
        text: `Combien font ${NUMBERS[a]} plus ${NUMBERS[b]}\u00a0? Répondez en chiffres.`,
        token: `${expires}.${nonce}.${this.#mac(`${expires}.${nonce}.${a + b}`)}`,
      },
    };
  }

  /**
   * Checks an anonymous submission and counts it. Throws an AppError with a field message (the
   * form is shown again, filled) when the honeypot is filled, a challenge is due and not solved,
   * or the address sent too much.
   */
  async check(body: Record<string, unknown>, communeId: string, ip: string): Promise<void> {
    if (text(body[HONEYPOT_FIELD]).trim() !== '') {
      throw new AppError('antispam.honeypot', 'honeypot field filled', 422, {
        fields: {
          [HONEYPOT_FIELD]:
            'Votre demande n’a pas été envoyée : le champ « Ne pas remplir » doit rester vide. Videz-le puis envoyez à nouveau.',
        },
      });
    }
    const [address, commune] = await Promise.all([
      this.pool.query<{ hits: number; seconds: number }>(COUNT, [`anon:address:${addressKey(ip)}`, WINDOW_MS]),
      this.pool.query<{ hits: number; seconds: number }>(COUNT, [`anon:commune:${communeId}`, WINDOW_MS]),
    ]);
    const a = address.rows[0]!;
    const c = commune.rows[0]!;
    if (a.hits > this.limits.blockAfter) {
      const minutes = Math.max(1, Math.ceil(a.seconds / 60));
      throw new AppError('antispam.blocked', `anonymous submissions from one address: ${a.hits}`, 429, {
        fields: {
          [CHALLENGE_ERROR_KEY]: `Trop d’envois depuis votre connexion en peu de temps. Votre demande n’a pas été envoyée, mais ce que vous avez saisi est conservé ci-dessous : réessayez dans ${minutes}\u00a0minute${minutes > 1 ? 's' : ''}.`,
        },
      });
    }
    // The submission that reaches a threshold is the last one without a challenge.
    if (a.hits <= this.limits.challengeAfter && c.hits <= this.limits.communeChallengeAfter) return;
    if (await this.#solved(body)) return;
    throw new AppError('antispam.challenge', 'anonymous submission needs a challenge', 422, {
      fields: {
        [CHALLENGE_ERROR_KEY]:
          'Confirmez que vous n’êtes pas un robot : cochez « Je ne suis pas un robot », ou répondez à la question (sans JavaScript). Ce que vous avez saisi est conservé.',
      },
    });
  }

  async #solved(body: Record<string, unknown>): Promise<boolean> {
    const payload = text(body[ALTCHA_FIELD]);
    if (payload) return this.#altchaSolved(payload);
    return this.#questionAnswered(text(body[QUESTION_TOKEN_FIELD]), text(body[QUESTION_ANSWER_FIELD]));
  }

  async #altchaSolved(payload: string): Promise<boolean> {
    let parsed: { challenge?: Challenge; solution?: Solution };
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as typeof parsed;
    } catch {
      return false;
    }
    if (!parsed?.challenge?.parameters || !parsed.solution) return false;
    try {
      const result = await verifySolution({
        challenge: parsed.challenge,
        solution: parsed.solution,
        deriveKey,
        hmacSignatureSecret: this.#secret,
        hmacKeySignatureSecret: `${this.#secret}:key`,
      });
      if (!result.verified) return false;
    } catch {
      return false;
    }
    return this.#spend(`altcha:${parsed.challenge.parameters.nonce}`);
  }

  async #questionAnswered(token: string, answer: string): Promise<boolean> {
    const match = /^(\d{1,12})\.([0-9a-f]{24})\.([0-9a-f]{64})$/.exec(token);
    const value = answer.trim();
    if (!match || !/^\d{1,3}$/.test(value)) return false;
    const [, expires, nonce, mac] = match;
    if (Number(expires) * 1000 < Date.now()) return false;
    const expected = Buffer.from(this.#mac(`${expires}.${nonce}.${Number(value)}`), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(mac!, 'hex'))) return false;
    return this.#spend(`question:${nonce}`);
  }

  async #spend(id: string): Promise<boolean> {
    const result = await this.pool.query(SPEND, [`anon:spent:${id}`, CHALLENGE_TTL_S]);
    return (result.rowCount ?? 0) > 0;
  }

  #mac(value: string): string {
    return createHmac('sha256', this.#secret).update(value).digest('hex');
  }
}

function text(value: unknown): string {
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : '';
  return typeof value === 'string' ? value : '';
}

const ladders = new WeakMap<object, SpamLadder>();

/** The ladder of an application context (one per process, built on first use). */
export function spamLadder(ctx: {
  database: { pool: pg.Pool };
  config: { anonymousLimits: AnonymousLimits; secret?: string | undefined };
}): SpamLadder {
  let ladder = ladders.get(ctx);
  if (!ladder) {
    ladder = new SpamLadder(ctx.database.pool, ctx.config.anonymousLimits, ctx.config.secret);
    ladders.set(ctx, ladder);
  }
  return ladder;
}
