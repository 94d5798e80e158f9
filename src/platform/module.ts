/**
 * The module contract. A module is a vertical slice (`src/modules/<name>/`) that the composition
 * root (`src/registry.ts`) hands to the platform: the platform never imports a module. Besides its
 * routes and jobs, a module *contributes* to the shared places (the operator's figures, the admin
 * area's links, the agent's landing page…) instead of a hub importing it.
 */
import type { FastifyInstance } from 'fastify';
import type { Actor } from './authz/actor.js';
import type { AppContext } from './context.js';
import type { Tx } from './db/tenant.js';
import type { EventSubscriber } from './events/index.js';
import type { JobDefinition } from './jobs/queue.js';
import type { MailTemplate } from './mail/templates.js';
import type { TagColour } from './views/components.js';

/**
 * A number a module publishes about one commune — read by the operator's page today and by
 * pilotage tomorrow, so that no module reads another's tables.
 */
export interface FigureDefinition {
  /** Stable key, `<module>.<name>` (e.g. `requests.received`). */
  key: string;
  /** French label, for a table column. */
  label: string;
  /** What the number counts; `hours` and `seconds` are durations (Infinity: never happened); `percent` a share from 0 to 100 (NaN: nothing to count yet). */
  unit: 'count' | 'hours' | 'seconds' | 'percent';
  /** Computed inside a tenant transaction of the commune (RLS applies). */
  compute(tx: Tx, communeId: string): Promise<number>;
  /** Also shown on the commune's cyber-hygiene panel (e.g. the age of the last backup). */
  panel?: 'cyber';
  /** Past this value, panels show the figure as a warning (e.g. a backup older than 26 hours). */
  warnAbove?: number;
  /** The value in French (default: the number), e.g. « jamais » or « il y a 3 h ». */
  format?(value: number): string;
}

/**
 * A period of pilotage: Paris calendar dates, both included (`from` ≤ `to`), and optionally one
 * service of the commune (null: the whole commune). A module turns it into instants with
 * `parisDayRange` (platform/time/calendar.ts): [00:00 of `from`, 00:00 of the day after `to`).
 */
export interface IndicatorQuery {
  from: string;
  to: string;
  serviceId: string | null;
}

/**
 * A KPI a module publishes about one commune over a period (decision 0052): its key, French
 * label and unit. The values come from its source's `compute`, which reads only the module's own
 * tables. Null: no value (e.g. a median over no closed request), shown « — ».
 */
export interface IndicatorDefinition {
  /** Stable key, `<module>.<name>` (e.g. `requests.closed`). */
  key: string;
  label: string;
  /**
   * `percent` is 0–100; `minutes`, `hours` and `days` are durations; `count` a number of things;
   * `euros` an amount; `score` a mark out of 10 (the satisfaction note of « Je donne mon avis »).
   */
  unit: 'count' | 'percent' | 'minutes' | 'hours' | 'days' | 'euros' | 'score';
  /** One sentence on what is counted and how (shown under the table). */
  definition: string;
}

/**
 * The KPIs of one module over a period, computed together (one or two queries of its own), by
 * service when the module's records belong to a service (`byService`).
 */
export interface IndicatorSource {
  /** The module's name, for the section of the pilotage table (e.g. « Demandes »). */
  title: string;
  /** Ordering of the sections in pilotage (smaller first; default last, in module order). */
  order?: number;
  indicators: readonly IndicatorDefinition[];
  /** Whether the query's `serviceId` filters the values (false: a service filter leaves them out). */
  byService: boolean;
  /** Shown in pilotage's cyber posture rather than with the activity KPIs (e.g. failed sign-ins). */
  panel?: 'cyber';
  /** Inside a tenant transaction of the commune (RLS applies); a value per indicator key. */
  compute(tx: Tx, communeId: string, query: IndicatorQuery): Promise<Map<string, number | null>>;
  /** A page of the module with the details (path under `/c/<slug>/`), linked under the section. */
  details?: { path: string; label: string };
}

/**
 * A link a module adds to the commune's administration area. It is shown to a person when the
 * route it points to lets them in: the route's declared policy decides, nothing is re-stated.
 */
export interface AdminLinkDefinition {
  /** Path under `/c/<slug>/admin/`, e.g. `membres`. */
  path: string;
  /** French label in the area's sub-navigation, its longer title on the area's home (if any), and one sentence on what is there. */
  label: string;
  title?: string;
  description: string;
  /** Ordering inside the area (smaller first). */
  order: number;
}

/** Part of a person's personal-data export (RGPD art. 15 and 20) that a module holds. */
export interface PersonalDataSection {
  /** Key of the section in the machine-readable export (JSON). */
  key: string;
  /** The section as exported. */
  data: unknown;
  /** The same, readable: a heading with summary rows and tables, already in French. */
  readable: {
    title: string;
    rows?: Array<{ key: string; value: string }>;
    tables?: Array<{ caption: string; columns: string[]; rows: string[][] }>;
  };
}

/**
 * What a module holds about a person's account (instance-wide data keyed by the account): given
 * to the export, deleted with the account (RGPD art. 17). Runs in the caller's transaction.
 */
export interface PersonalDataDefinition {
  collect(tx: Tx, accountId: string): Promise<PersonalDataSection[]>;
  erase(tx: Tx, accountId: string): Promise<void>;
}

/**
 * A tile a module adds to the agent's landing page (`/c/<slug>/agent`), shown when the route it
 * points to admits the person.
 */
export interface AgentTileDefinition {
  /** Path under `/c/<slug>/`, e.g. `agent/demandes`. */
  path: string;
  label: string;
  order: number;
  /** One short French line on what waits there (e.g. « 3 nouvelles », shown as a tag when `waiting`), or null. */
  status?(tx: Tx, communeId: string, actor: Actor): Promise<{ text: string; waiting: boolean } | null>;
}

/** One line of a block on the citizen's own space: a link, a line under it, a status tag. */
export interface PortalWidgetItem {
  href: string;
  label: string;
  /** A short French line under the link (a date, a number). */
  meta?: string;
  status?: { text: string; colour?: TagColour };
}

/** What a block of the citizen's space shows: a few items (or the `empty` sentence) and links. */
export interface PortalWidgetBlock {
  items: PortalWidgetItem[];
  /** Shown when there is no item (e.g. « Aucune demande envoyée. »). */
  empty: string;
  /** Links under the block (e.g. « Toutes mes demandes », « Ajouter un justificatif »). */
  links: Array<{ href: string; label: string }>;
}

/**
 * A block a module adds to the citizen's own space (`/c/<slug>/mon-espace`): my requests, my
 * drafts, my documents; later my appointments, my invoices. Loaded for the signed-in person.
 */
export interface PortalWidgetDefinition {
  /** Stable key, `<module>.<name>`; also the block's anchor on the page. */
  key: string;
  /** French heading of the block. */
  title: string;
  order: number;
  /**
   * Runs inside a tenant transaction of the commune (RLS applies); account-scoped records are
   * read by the module's own repository (which scopes the transaction to the account). Null: the
   * block is not shown.
   */
  load(tx: Tx, scope: { communeId: string; communeSlug: string; accountId: string }): Promise<PortalWidgetBlock | null>;
}

/**
 * How many of a module's records use something another module owns — to show counts, or to
 * refuse a removal — without that module reading the user's tables.
 */
export interface UsageDefinition {
  /**
   * What is used: `procedure` (keys: procedure ids), `procedure-step` (keys: step keys of the
   * procedure `within`), `service-open-requests` (keys: service ids; requests not closed) and
   * `service-procedures` (keys: service ids; démarches sent to the service).
   */
  subject: 'procedure' | 'procedure-step' | 'service-open-requests' | 'service-procedures';
  /** Counts per key, in the commune (inside the caller's tenant transaction). */
  count(tx: Tx, communeId: string, within?: string): Promise<Map<string, number>>;
}

/**
 * An entry of the public site's main navigation (`/c/<slug>/<path>`), shown when the GET route
 * it points to admits the person (its declared policy decides, as for admin links).
 */
export interface NavDefinition {
  /** Path under the commune, without the leading slash: `''` is the commune's home. */
  path: string;
  label: string;
  order: number;
  /** Only for visitors who are not signed in (« Se connecter »). */
  signedOutOnly?: boolean;
}

/**
 * Something the public can do online at the commune: a published démarche, booking an
 * appointment for a motif, the tariff simulator, writing to the mairie. Listed on its service's
 * public page, and offered to administrators as the home page's « tâches principales ».
 */
export interface PublicTask {
  /** Stable key, `<kind>:<id>` (e.g. `demarche:signalement-voirie`), stored in the commune's choice. */
  key: string;
  /** Path under `/c/<slug>/`, without the leading slash. */
  path: string;
  /** French label as a verb phrase (« Signaler un problème sur la voie publique »). */
  label: string;
  /** One line under the label, or null. */
  description: string | null;
  /** The service that answers it; null: the whole mairie. */
  serviceId: string | null;
}

export interface PublicTaskDefinition {
  /** The tasks open to the public right now (published, active), inside a tenant transaction. */
  list(tx: Tx, communeId: string): Promise<PublicTask[]>;
}

export interface GuichetModule {
  name: string;
  /** Registers HTTP routes (pages and API). */
  registerRoutes?(app: FastifyInstance, ctx: AppContext): void | Promise<void>;
  /** Job definitions of the module (the context holds the queue, to enqueue mails and jobs). */
  jobs?(ctx: AppContext): JobDefinition[];
  /** The module's reactions to domain events (its own or other modules'): one job each. */
  subscribers?(ctx: AppContext): EventSubscriber[];
  /** Figures the module publishes per commune. */
  figures?: readonly FigureDefinition[];
  /** KPIs the module publishes per commune, period and service (pilotage). */
  indicators?: readonly IndicatorSource[];
  /** Links the module adds to the commune's administration area. */
  adminLinks?: readonly AdminLinkDefinition[];
  /** What the module holds about a person's account, for their export and erasure. */
  personalData?: PersonalDataDefinition;
  /** Tiles the module adds to the agent's landing page. */
  agentTiles?: readonly AgentTileDefinition[];
  /** What the module's records use of other modules' things. */
  usages?: readonly UsageDefinition[];
  /** Blocks the module adds to the citizen's own space. */
  portalWidgets?: readonly PortalWidgetDefinition[];
  /** Entries of the public site's main navigation. */
  nav?: readonly NavDefinition[];
  /** The mails the module sends (its `mail-templates.ts`); their names are unique across modules. */
  mailTemplates?: readonly MailTemplate[];
  /** What the public can do online through the module (démarches, bookings…). */
  publicTasks?: readonly PublicTaskDefinition[];
}

/** What the modules contributed, collected once by the composition root. */
export class Contributions {
  readonly figures: readonly FigureDefinition[];
  readonly indicatorSources: readonly IndicatorSource[];
  readonly adminLinks: readonly AdminLinkDefinition[];
  readonly usages: readonly UsageDefinition[];
  readonly agentTiles: readonly AgentTileDefinition[];
  readonly personalData: readonly PersonalDataDefinition[];
  readonly portalWidgets: readonly PortalWidgetDefinition[];
  readonly nav: readonly NavDefinition[];
  readonly publicTaskSources: readonly PublicTaskDefinition[];
  /** Every mail template, by the name stored with queued mails. */
  readonly mailTemplates: ReadonlyMap<string, MailTemplate>;

  constructor(modules: readonly GuichetModule[]) {
    const templates = new Map<string, MailTemplate>();
    for (const template of modules.flatMap((m) => m.mailTemplates ?? [])) {
      if (templates.has(template.name)) throw new Error(`mail template ${template.name} contributed twice`);
      templates.set(template.name, template);
    }
    this.mailTemplates = templates;
    this.nav = [...modules.flatMap((m) => m.nav ?? [])].sort((a, b) => a.order - b.order);
    this.publicTaskSources = modules.flatMap((m) => m.publicTasks ?? []);
    this.portalWidgets = [...modules.flatMap((m) => m.portalWidgets ?? [])].sort((a, b) => a.order - b.order);
    const widgetKeys = new Set<string>();
    for (const w of this.portalWidgets) {
      if (widgetKeys.has(w.key)) throw new Error(`portal widget ${w.key} contributed twice`);
      widgetKeys.add(w.key);
    }
    this.personalData = modules.flatMap((m) => (m.personalData ? [m.personalData] : []));
    this.agentTiles = [...modules.flatMap((m) => m.agentTiles ?? [])].sort((a, b) => a.order - b.order);
    this.usages = modules.flatMap((m) => m.usages ?? []);
    this.figures = modules.flatMap((m) => m.figures ?? []);
    this.adminLinks = [...modules.flatMap((m) => m.adminLinks ?? [])].sort((a, b) => a.order - b.order);
    const keys = new Set<string>();
    for (const f of this.figures) {
      if (keys.has(f.key)) throw new Error(`figure ${f.key} published twice`);
      keys.add(f.key);
    }
    this.indicatorSources = [...modules.flatMap((m) => m.indicators ?? [])].sort(
      (a, b) => (a.order ?? Number.MAX_SAFE_INTEGER) - (b.order ?? Number.MAX_SAFE_INTEGER),
    );
    const indicatorKeys = new Set<string>();
    for (const i of this.indicatorSources.flatMap((s) => s.indicators)) {
      if (indicatorKeys.has(i.key)) throw new Error(`indicator ${i.key} published twice`);
      indicatorKeys.add(i.key);
    }
  }

  /**
   * Every KPI of one commune over a period, by key (inside the caller's tenant transaction). With
   * a service, sources that do not know services are left out (their keys are absent).
   */
  async indicatorsOf(tx: Tx, communeId: string, query: IndicatorQuery): Promise<Map<string, number | null>> {
    const out = new Map<string, number | null>();
    for (const source of this.indicatorSources) {
      if (query.serviceId && !source.byService) continue;
      for (const [key, value] of await source.compute(tx, communeId, query)) out.set(key, value);
    }
    return out;
  }

  /** How many records of every module use each key of `subject` (summed over the modules). */
  async usage(
    subject: UsageDefinition['subject'],
    tx: Tx,
    communeId: string,
    within?: string,
  ): Promise<Map<string, number>> {
    const total = new Map<string, number>();
    for (const usage of this.usages.filter((u) => u.subject === subject)) {
      for (const [key, n] of await usage.count(tx, communeId, within)) total.set(key, (total.get(key) ?? 0) + n);
    }
    return total;
  }

  /** Every task open to the public in the commune, in module order (inside the caller's tenant transaction). */
  async publicTasks(tx: Tx, communeId: string): Promise<PublicTask[]> {
    const out: PublicTask[] = [];
    for (const source of this.publicTaskSources) out.push(...(await source.list(tx, communeId)));
    return out;
  }

  /** Every published figure of one commune, by key (inside the caller's tenant transaction). */
  async figuresOf(tx: Tx, communeId: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const figure of this.figures) out.set(figure.key, await figure.compute(tx, communeId));
    return out;
  }
}
