/**
 * The Base Adresse Nationale's « adresses » CSV (one file per commune, adresses-<code INSEE>.csv
 * on adresse.data.gouv.fr): UTF-8, semicolon-separated, a header line naming the columns —
 * id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;
 * nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;
 * source_position;source_nom_voie;certification_commune;cad_parcelles (newer exports add columns).
 * Columns are found by name; unknown ones are ignored. A line that cannot be used is reported
 * with its number and reason, never guessed.
 */

export interface BanAddress {
  banId: string;
  number: number;
  suffix: string;
  street: string;
  postcode: string;
  inseeCode: string;
  city: string;
  label: string;
  search: string;
  lon: number;
  lat: number;
}

export interface BanParseResult {
  addresses: BanAddress[];
  /** Lines refused, with their number in the file (the header is line 1) and a French reason. */
  rejected: Array<{ line: number; reason: string }>;
  /** Set when the file itself cannot be read (no usable header): nothing is imported. */
  fileError?: string;
}

const REQUIRED = ['id', 'numero', 'nom_voie', 'code_postal', 'code_insee', 'nom_commune', 'lon', 'lat'] as const;
/** The most lines one file may hold (Paris has ~150,000 addresses; a commune far fewer). */
export const MAX_LINES = 200_000;

/** Lower case, no accents, no punctuation, single spaces: « Rue de l’Église » → « rue de l eglise ». */
export function normalizeSearch(text: string): string {
  return text
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** « 12 », « bis », « rue des Lilas » → « 12 bis rue des Lilas » (the suffix as the BAN writes it). */
export function addressLabel(number: number, suffix: string, street: string): string {
  return [number > 0 ? String(number) : '', suffix, street].filter(Boolean).join(' ');
}

/** Splits one line on `;`, honouring double quotes ("a;b" and "" inside quotes). */
function splitLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ';') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

export function parseBanCsv(input: string): BanParseResult {
  const text = input.replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  const header = splitLine(lines[0] ?? '').map((h) => h.trim().toLowerCase());
  const missing = REQUIRED.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    return {
      addresses: [],
      rejected: [],
      fileError: `Ce fichier n’est pas un fichier « adresses » de la Base Adresse Nationale : la première ligne doit nommer les colonnes, séparées par des points-virgules (il manque ${missing.map((m) => `« ${m} »`).join(', ')}).`,
    };
  }
  if (lines.length - 1 > MAX_LINES) {
    return {
      addresses: [],
      rejected: [],
      fileError: `Ce fichier compte plus de ${MAX_LINES.toLocaleString('fr-FR')} lignes : importez le fichier d’une seule commune.`,
    };
  }
  const at = Object.fromEntries(header.map((name, i) => [name, i])) as Record<string, number>;
  const addresses: BanAddress[] = [];
  const rejected: BanParseResult['rejected'] = [];
  const seen = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const cells = splitLine(raw);
    const cell = (name: string) => (at[name] === undefined ? '' : (cells[at[name]!] ?? '').trim());
    const line = i + 1;
    const banId = cell('id');
    const numberText = cell('numero');
    const street = cell('nom_voie').replace(/\s+/g, ' ');
    const postcode = cell('code_postal');
    const lon = Number(cell('lon'));
    const lat = Number(cell('lat'));
    let reason: string | null = null;
    if (!banId || banId.length > 100) reason = 'identifiant (« id ») absent ou trop long';
    else if (seen.has(banId)) reason = `identifiant « ${banId} » déjà vu plus haut`;
    else if (!/^\d{1,5}$/.test(numberText)) reason = `numéro « ${numberText} » invalide`;
    else if (!street || street.length > 200) reason = 'nom de voie absent ou trop long';
    else if (!/^\d{5}$/.test(postcode)) reason = `code postal « ${postcode} » invalide`;
    else if (!cell('nom_commune') || cell('nom_commune').length > 200) reason = 'nom de commune absent';
    else if (cell('code_insee').length > 5) reason = 'code INSEE invalide';
    else if (cell('lon') === '' || !Number.isFinite(lon) || lon < -180 || lon > 180) reason = 'longitude invalide';
    else if (cell('lat') === '' || !Number.isFinite(lat) || lat < -90 || lat > 90) reason = 'latitude invalide';
    else if (cell('rep').length > 20) reason = 'indice de répétition trop long';
    if (reason) {
      rejected.push({ line, reason });
      continue;
    }
    seen.add(banId);
    const number = Number(numberText);
    const suffix = cell('rep');
    const label = addressLabel(number, suffix, street);
    addresses.push({
      banId,
      number,
      suffix,
      street,
      postcode,
      inseeCode: cell('code_insee'),
      city: cell('nom_commune'),
      label,
      search: normalizeSearch(label),
      lon,
      lat,
    });
  }
  return { addresses, rejected };
}
