/**
 * The survey's rules without I/O: how answers add up into pilotage's indicators (table-driven,
 * with the boundaries: no answer, a question nobody answered, all marks the same), and the link's
 * token (forged, altered, of another commune, of another purpose: refused).
 */
import { describe, expect, it } from 'vitest';
import { type AnswerCounts, NO_ANSWERS, summarize } from './survey.js';
import { answerKeyHash, readSurveyToken, surveyToken } from './token.js';

const counts = (c: Partial<AnswerCounts>): AnswerCounts => ({ ...NO_ANSWERS, ...c });

describe('summarize: the indicators of a set of answers', () => {
  const cases: Array<{ name: string; counts: AnswerCounts; expected: ReturnType<typeof summarize> }> = [
    {
      name: 'no answer: a count of 0 and no value anywhere (shown « — »)',
      counts: NO_ANSWERS,
      expected: { answers: 0, score: null, satisfiedShare: null, easyShare: null, clearShare: null, comments: 0 },
    },
    {
      name: 'one « Très bien »: 10 / 10, 100 %; ease and clarity left out stay empty',
      counts: counts({ answers: 1, satisfaction: [0, 0, 1] }),
      expected: { answers: 1, score: 10, satisfiedShare: 100, easyShare: null, clearShare: null, comments: 0 },
    },
    {
      name: 'one « Pas bien »: 0 / 10 and 0 % (a value, not an absence)',
      counts: counts({ answers: 1, satisfaction: [1, 0, 0], ease: [1, 0, 0], clarity: [1, 0, 0], comments: 1 }),
      expected: { answers: 1, score: 0, satisfiedShare: 0, easyShare: 0, clearShare: 0, comments: 1 },
    },
    {
      name: 'one « Moyen »: 5 / 10, nobody very satisfied',
      counts: counts({ answers: 1, satisfaction: [0, 1, 0] }),
      expected: { answers: 1, score: 5, satisfiedShare: 0, easyShare: null, clearShare: null, comments: 0 },
    },
    {
      name: 'a mix: 2 Très bien, 1 Moyen, 1 Pas bien → (20 + 5 + 0) / 4 = 6,25; shares over those who answered each question',
      counts: counts({ answers: 4, satisfaction: [1, 1, 2], ease: [0, 1, 2], clarity: [1, 0, 0], comments: 2 }),
      expected: {
        answers: 4,
        score: 6.25,
        satisfiedShare: 50,
        easyShare: (2 * 100) / 3,
        clearShare: 0,
        comments: 2,
      },
    },
  ];
  it.each(cases)('$name', ({ counts: c, expected }) => {
    expect(summarize(c)).toEqual(expected);
  });
});

describe('the survey link token', () => {
  const config = { secret: 'secret-de-test-de-l-instance-assez-long' };
  const commune = '0190e8a0-0000-7000-8000-000000000001';
  const other = '0190e8a0-0000-7000-8000-000000000002';
  const link = {
    requestId: '0190e8a0-1111-7000-8000-00000000000a',
    procedureId: '0190e8a0-2222-7000-8000-00000000000b',
    serviceId: null,
    moment: 'cloture' as const,
  };

  it('says what it was made for, in its commune only', () => {
    const token = surveyToken(config, commune, link);
    expect(token.length).toBeLessThan(120);
    expect(readSurveyToken(config, commune, token)).toEqual(link);
    expect(readSurveyToken(config, other, token)).toBeNull();
    expect(readSurveyToken({ secret: 'un-autre-secret-d-instance-tres-long' }, commune, token)).toBeNull();
  });

  it('refuses an altered, truncated or made-up token', () => {
    const token = surveyToken(config, commune, link);
    const parts = token.split('.');
    const swapped = [parts[0], parts[1], parts[2], 'd', parts[4]].join('.');
    for (const bad of [
      '',
      'x',
      token.slice(0, -1),
      `${token}.x`,
      swapped,
      token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    ]) {
      expect(readSurveyToken(config, commune, bad), bad).toBeNull();
    }
  });

  it('stores a uniqueness key that is neither the request id nor the token, the same for both moments', () => {
    const key = answerKeyHash(config, commune, link.requestId);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toContain(link.requestId.replace(/-/g, ''));
    expect(key).toBe(answerKeyHash(config, commune, link.requestId));
    expect(key).not.toBe(answerKeyHash(config, other, link.requestId));
  });
});
