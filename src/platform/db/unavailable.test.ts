import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './unavailable.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    [
      'the primary killed under a query (57P01)',
      withCode('57P01', 'terminating connection due to unexpected postmaster exit'),
      true,
    ],
    ['a crash restart (57P02)', withCode('57P02'), true],
    ['a node still starting or in recovery (57P03)', withCode('57P03', 'the database system is starting up'), true],
    ['a write on a standby during a switchover (25006)', withCode('25006'), true],
    ['connection failure (08006)', withCode('08006'), true],
    ['connection does not exist (08003)', withCode('08003'), true],
    ['refused socket', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'), true],
    ['reset socket', withCode('ECONNRESET'), true],
    ['socket ended under node-postgres', new Error('Connection terminated unexpectedly'), true],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect'), true],
    ['a broken client reused', new Error('Client has encountered a connection error and is not queryable'), true],
    ['a client closed under a query', new Error('Client was closed and is not queryable'), true],
    [
      'drizzle’s wrapper around a lost connection',
      new Error('Failed query: insert into …', { cause: new Error('Connection terminated unexpectedly') }),
      true,
    ],
    ['drizzle’s wrapper around a unique violation', new Error('Failed query', { cause: withCode('23505') }), false],
    ['a unique violation (23505): a real error', withCode('23505'), false],
    ['a syntax error (42601)', withCode('42601'), false],
    ['a serialization failure (40001): retried elsewhere, not an outage', withCode('40001'), false],
    ['RLS refusing a row (42501)', withCode('42501'), false],
    ['a class-08 look-alike that is not a SQLSTATE', withCode('080'), false],
    ['a plain error', new Error('boom'), false],
    ['not an error', 'Connection terminated', false],
    ['nothing', undefined, false],
  ])('%s → %s', (_label, error, expected) => {
    expect(isDatabaseUnavailable(error)).toBe(expected);
  });
});
