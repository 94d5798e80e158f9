/**
 * Phone numbers for SMS: the E.164 form of a number as the démarche forms store it ("06 12 34 56
 * 78", "+32470123456"), when it can receive an SMS — a French mobile (06, 07; overseas mobiles
 * with their own country code) or a foreign number. Landlines and special numbers give null.
 */

/** French overseas mobile prefixes (dialled 06xx from France) and their country code. */
const OVERSEAS_MOBILES: ReadonlyArray<[prefix: string, countryCode: string]> = [
  ['639', '262'], // Mayotte
  ['690', '590'], // Guadeloupe, Saint-Martin, Saint-Barthélemy
  ['691', '590'],
  ['692', '262'], // La Réunion
  ['693', '262'],
  ['694', '594'], // Guyane
  ['696', '596'], // Martinique
  ['697', '596'],
];

/** "+33612345678" from "06 12 34 56 78", "+33 6…", "0033 6…"; null when no SMS can reach it. */
export function mobileE164(phone: string): string | null {
  const compact = phone.replace(/[\s.\-()/\u00a0\u202f]/g, '').replace(/^00/, '+');
  let national: string | undefined;
  const french = /^(?:0|\+33(?:0)?)([1-9]\d{8})$/.exec(compact);
  if (french) national = french[1];
  if (national !== undefined) {
    if (!/^[67]/.test(national)) return null;
    const overseas = OVERSEAS_MOBILES.find(([prefix]) => national!.startsWith(prefix));
    return overseas ? `+${overseas[1]}${national}` : `+33${national}`;
  }
  const international = /^\+([1-9]\d{6,14})$/.exec(compact);
  return international ? `+${international[1]}` : null;
}

/** Replaces anything that looks like a phone number (provider error messages may echo it). */
export function maskPhoneNumbers(text: string): string {
  return text.replace(/\+?\d[\d .-]{6,}\d/g, '[numéro masqué]');
}
