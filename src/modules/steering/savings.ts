/**
 * The savings and return-on-investment model of pilotage (issue 16 §3, decision 0052): each
 * lever's yearly saving is its activity (what the modules publish) × the difference of two unit
 * costs the commune can change, each shown with its source; agent time is also given in full-time
 * equivalents (to redeploy, not to cut). The one-off investment and the yearly running cost are
 * kept apart, as commune budgets keep their investment and operating sections, and the payback
 * period is the investment divided by the net yearly saving. Pure functions, no I/O.
 */

export type AssumptionKey =
  | 'lre.paper_cost'
  | 'lre.electronic_cost'
  | 'requests.counter_minutes'
  | 'requests.online_minutes'
  | 'agent.hourly_cost'
  | 'agent.fte_hours'
  | 'council.printed_cost'
  | 'council.electronic_cost'
  | 'council.sessions'
  | 'council.members'
  | 'project.investment'
  | 'project.operating_cost';

export interface AssumptionDefinition {
  key: AssumptionKey;
  label: string;
  /** Unit shown after the value (« € », « min »…). */
  unit: string;
  defaultValue: number;
  /** Where the default comes from. */
  source: string;
  min: number;
  max: number;
  /** Whole numbers only (sessions, members, hours). */
  integer?: boolean;
  /** Which block of the form it belongs to. */
  group: 'courrier' | 'demandes' | 'agents' | 'conseil' | 'projet';
}

export const ASSUMPTIONS: readonly AssumptionDefinition[] = [
  {
    key: 'lre.paper_cost',
    label: 'Lettre recommandée papier avec avis de réception',
    unit: '€',
    defaultValue: 4.5,
    min: 0,
    max: 100,
    source: 'Chiffre entendu sur le terrain : 4 à 5 € (affranchissement, avis de réception, enveloppe, impression).',
    group: 'courrier',
  },
  {
    key: 'lre.electronic_cost',
    label: 'Lettre recommandée électronique',
    unit: '€',
    defaultValue: 2,
    min: 0,
    max: 100,
    source: 'Chiffre entendu sur le terrain : 1 à 3 € selon le prestataire qualifié (eIDAS, CPCE art. L100).',
    group: 'courrier',
  },
  {
    key: 'requests.counter_minutes',
    label: 'Temps d’agent pour une demande reçue au guichet',
    unit: 'min',
    defaultValue: 20,
    min: 0,
    max: 600,
    source: 'Hypothèse de terrain : accueil, saisie, copie des pièces ; à mesurer dans la commune.',
    group: 'demandes',
  },
  {
    key: 'requests.online_minutes',
    label: 'Temps d’agent pour une demande reçue en ligne',
    unit: 'min',
    defaultValue: 8,
    min: 0,
    max: 600,
    source: 'Hypothèse de terrain : la demande arrive saisie, complète et orientée vers le bon service.',
    group: 'demandes',
  },
  {
    key: 'agent.hourly_cost',
    label: 'Coût horaire chargé d’un agent',
    unit: '€ par heure',
    defaultValue: 30,
    min: 0,
    max: 500,
    source:
      'Hypothèse : agent de catégorie C ou B, charges patronales comprises ; à remplacer par le coût de la commune.',
    group: 'agents',
  },
  {
    key: 'agent.fte_hours',
    label: 'Heures de travail d’un équivalent temps plein par an',
    unit: 'h',
    defaultValue: 1607,
    min: 1,
    max: 2500,
    integer: true,
    source: 'Décret n° 2000-815 du 25 août 2000, art. 1er : 1 607 heures par an.',
    group: 'agents',
  },
  {
    key: 'council.printed_cost',
    label: 'Dossier de conseil imprimé et porté, par élu et par séance',
    unit: '€',
    defaultValue: 12,
    min: 0,
    max: 1000,
    source: 'Chiffre entendu sur le terrain : reprographie, reliure et portage au domicile des élus.',
    group: 'conseil',
  },
  {
    key: 'council.electronic_cost',
    label: 'Convocation électronique, par élu et par séance',
    unit: '€',
    defaultValue: 0.5,
    min: 0,
    max: 1000,
    source: 'Hypothèse : part de l’abonnement ; envoi dématérialisé prévu par le CGCT, art. L2121-10.',
    group: 'conseil',
  },
  {
    key: 'council.sessions',
    label: 'Séances du conseil municipal par an',
    unit: 'séances',
    defaultValue: 8,
    min: 0,
    max: 100,
    integer: true,
    source:
      'CGCT, art. L2121-7 : au moins une séance par trimestre ; 8 est courant. Sert tant qu’aucune convocation n’est partie par Guichet sur douze mois.',
    group: 'conseil',
  },
  {
    key: 'council.members',
    label: 'Élus convoqués à chaque séance',
    unit: 'élus',
    defaultValue: 23,
    min: 0,
    max: 200,
    integer: true,
    source:
      'CGCT, art. L2121-2 : 23 conseillers municipaux de 2 500 à 3 499 habitants. Sert tant qu’aucune convocation n’est partie par Guichet sur douze mois.',
    group: 'conseil',
  },
  {
    key: 'project.investment',
    label: 'Investissement initial (mise en place, reprise des données, formation)',
    unit: '€',
    defaultValue: 15000,
    min: 0,
    max: 100_000_000,
    source:
      'Hypothèse à remplacer par le devis : dépense de la section d’investissement, l’année de la mise en service.',
    group: 'projet',
  },
  {
    key: 'project.operating_cost',
    label: 'Coût de fonctionnement par an (abonnement, hébergement, support)',
    unit: '€ par an',
    defaultValue: 4000,
    min: 0,
    max: 100_000_000,
    source: 'Hypothèse à remplacer par le contrat : dépense de la section de fonctionnement, chaque année.',
    group: 'projet',
  },
];

export type Assumptions = Record<AssumptionKey, number>;

export function defaultAssumptions(): Assumptions {
  return Object.fromEntries(ASSUMPTIONS.map((a) => [a.key, a.defaultValue])) as Assumptions;
}

/** A year's activity as published by the modules (null: no module publishes it). */
export interface Activity {
  /** Requests received online (portal, API, e-mail) over the year. */
  onlineRequests: number | null;
  /** Electronic registered letters sent. */
  electronicLetters: number | null;
  /**
   * Council convocations sent electronically (null: the council publishes none, or sent no
   * convocation at all over the year; the estimate sessions × members stands in).
   */
  electronicConvocations: number | null;
}

export interface LeverSaving {
  key: 'lre' | 'requests' | 'council';
  label: string;
  /** What the activity is, in French (« 1 200 demandes en ligne »). */
  activity: number | null;
  /** Euros saved over the year (null: no activity published). */
  euros: number | null;
  /** Agent hours freed, and as full-time equivalents (requests only). */
  hours?: number | null;
  fte?: number | null;
  /** The activity is an estimate from the assumptions, not what a module published (council). */
  estimated?: boolean;
}

/** The yearly saving of each lever (negative when the unit costs make digital dearer). */
export function leverSavings(a: Assumptions, activity: Activity): LeverSaving[] {
  const minutes = a['requests.counter_minutes'] - a['requests.online_minutes'];
  const hours = activity.onlineRequests === null ? null : (activity.onlineRequests * minutes) / 60;
  const convocations = activity.electronicConvocations ?? a['council.sessions'] * a['council.members'];
  return [
    {
      key: 'lre',
      label: 'Lettres recommandées électroniques au lieu du papier',
      activity: activity.electronicLetters,
      euros:
        activity.electronicLetters === null
          ? null
          : activity.electronicLetters * (a['lre.paper_cost'] - a['lre.electronic_cost']),
    },
    {
      key: 'requests',
      label: 'Demandes reçues en ligne au lieu du guichet',
      activity: activity.onlineRequests,
      euros: hours === null ? null : hours * a['agent.hourly_cost'],
      hours,
      fte: hours === null ? null : hours / a['agent.fte_hours'],
    },
    {
      key: 'council',
      label: 'Convocations électroniques du conseil au lieu des dossiers imprimés',
      activity: convocations,
      euros: convocations * (a['council.printed_cost'] - a['council.electronic_cost']),
      estimated: activity.electronicConvocations === null,
    },
  ];
}

export interface YearLine {
  year: number;
  /** Section d’investissement: spent that year. */
  investment: number;
  /** Section de fonctionnement: the running cost and the savings of the year. */
  operatingCost: number;
  savings: number;
  /** savings − operating cost − investment of the year. */
  net: number;
  /** Sum of `net` up to and including the year. */
  cumulative: number;
}

/**
 * Year by year over `years` years: the investment in year 1, the running cost and the savings
 * every year; and the payback period in years (investment ÷ net yearly saving, with the first
 * year counted whole), or null when the savings never cover the running cost.
 */
export function paybackSchedule(
  investment: number,
  yearlySavings: number,
  operatingCost: number,
  years: number,
): { lines: YearLine[]; paybackYears: number | null } {
  const lines: YearLine[] = [];
  let cumulative = 0;
  for (let year = 1; year <= years; year++) {
    const spent = year === 1 ? investment : 0;
    const net = yearlySavings - operatingCost - spent;
    cumulative += net;
    lines.push({ year, investment: spent, operatingCost, savings: yearlySavings, net, cumulative });
  }
  const yearlyNet = yearlySavings - operatingCost;
  const paybackYears = investment === 0 ? (yearlyNet >= 0 ? 0 : null) : yearlyNet > 0 ? investment / yearlyNet : null;
  return { lines, paybackYears };
}

/** A value typed by a person: French decimal comma or point, spaces as thousands separators. */
export function parseAmount(text: string): number | null {
  const cleaned = text
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(/€$/, '')
    .replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return null;
  return Number(cleaned);
}

/** The French message for a value that does not fit the assumption, or null. */
export function checkAssumption(def: AssumptionDefinition, text: string): { value: number } | { error: string } {
  if (text.trim() === '') return { error: `Indiquez une valeur pour « ${def.label} ».` };
  const value = parseAmount(text);
  if (value === null) {
    return {
      error: def.integer
        ? `« ${def.label} » doit être un nombre entier, par exemple ${def.defaultValue}.`
        : `« ${def.label} » doit être un nombre positif, par exemple ${String(def.defaultValue).replace('.', ',')}.`,
    };
  }
  if (def.integer && !Number.isInteger(value)) return { error: `« ${def.label} » doit être un nombre entier.` };
  if (value < def.min || value > def.max) {
    const fmt = (n: number) => new Intl.NumberFormat('fr-FR').format(n);
    return { error: `« ${def.label} » doit être compris entre ${fmt(def.min)} et ${fmt(def.max)} ${def.unit}.` };
  }
  return { value };
}
