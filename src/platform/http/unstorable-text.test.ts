import { describe, expect, it } from 'vitest';
import { parseForm } from './body-parsers.js';
import { toAppError } from './error-handler.js';

describe('text PostgreSQL cannot store', () => {
  it('is dropped from form bodies (NUL), and answered 422 in French where it still reaches the database', () => {
    expect(parseForm('objet=Nul%00part&x=a%00%00b')).toEqual({ objet: 'Nulpart', x: 'ab' });
    for (const code of ['22021', '22P05']) {
      const error = toAppError(Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code }));
      expect(error.status).toBe(422);
      expect(error.userMessage).toMatch(/caractère nul/);
    }
  });
});
