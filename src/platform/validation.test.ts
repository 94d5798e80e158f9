import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { AppError } from './errors.js';
import { fieldErrorsOf, parseInput } from './validation.js';

const schema = z
  .object({
    nom: z.string().min(1, 'Saisissez le nom.').max(5, 'Le nom doit faire au plus 5 caractères.'),
    places: z.coerce.number().int('Saisissez un nombre entier.').min(1, 'Saisissez au moins 1 place.'),
  })
  .refine((v) => v.nom !== 'x' || v.places > 1, { message: 'Une seule place pour « x » : non.' });

describe('from a zod failure to French field messages', () => {
  test.each([
    [{ nom: '', places: '2' }, { nom: 'Saisissez le nom.' }],
    [
      { nom: 'abcdef', places: '0' },
      { nom: 'Le nom doit faire au plus 5 caractères.', places: 'Saisissez au moins 1 place.' },
    ],
    [{ nom: 'ok', places: '1.5' }, { places: 'Saisissez un nombre entier.' }],
    [{ nom: 'x', places: '1' }, { formulaire: 'Une seule place pour « x » : non.' }],
  ])('%j → %j', (input, expected) => {
    const parsed = schema.safeParse(input);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(fieldErrorsOf(parsed.error)).toEqual(expected);
  });

  test('parseInput returns the data, or throws a 422 with the fields and the first message', () => {
    expect(parseInput(schema, { nom: 'ok', places: '3' })).toEqual({ nom: 'ok', places: 3 });
    try {
      parseInput(schema, { nom: '', places: '0' }, 'family.activity_invalid');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      const e = error as AppError;
      expect([e.code, e.status, e.userMessage]).toEqual(['family.activity_invalid', 422, 'Saisissez le nom.']);
      expect(e.fields).toEqual({ nom: 'Saisissez le nom.', places: 'Saisissez au moins 1 place.' });
    }
  });
});
