/**
 * Length of an SMS as the networks count it: texts written only with the GSM 03.38 alphabet take
 * 7 bits per character (160 per SMS, 153 per part of a longer one; the extension characters
 * such as € or [ count twice); any other character (« », ’, ê, ç, œ, emoji…) switches the whole
 * message to UCS-2 (70 per SMS, 67 per part).
 */

const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export interface SmsLength {
  encoding: 'gsm7' | 'ucs2';
  /** Septets (GSM 03.38) or UTF-16 code units (UCS-2). */
  units: number;
  /** Number of SMS billed. */
  segments: number;
  /** Characters that force UCS-2, each once, in order of appearance. */
  nonGsmCharacters: string[];
}

export const GSM_SINGLE_LIMIT = 160;
const GSM_PART_LIMIT = 153;
const UCS2_SINGLE_LIMIT = 70;
const UCS2_PART_LIMIT = 67;

/** How many SMS a text costs, and why when it leaves the GSM alphabet. */
export function measureSms(text: string): SmsLength {
  let septets = 0;
  const nonGsm: string[] = [];
  for (const char of text) {
    if (GSM_BASIC.has(char)) septets += 1;
    else if (GSM_EXTENSION.has(char)) septets += 2;
    else if (!nonGsm.includes(char)) nonGsm.push(char);
  }
  if (nonGsm.length === 0) {
    const segments = septets <= GSM_SINGLE_LIMIT ? 1 : Math.ceil(septets / GSM_PART_LIMIT);
    return { encoding: 'gsm7', units: septets, segments, nonGsmCharacters: [] };
  }
  const units = text.length;
  const segments = units <= UCS2_SINGLE_LIMIT ? 1 : Math.ceil(units / UCS2_PART_LIMIT);
  return { encoding: 'ucs2', units, segments, nonGsmCharacters: nonGsm };
}
