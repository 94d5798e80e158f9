/**
 * The ANTS coordination API (« API de dédoublonnage » of passport and identity-card
 * appointments), as the editors who use it document it (domain rules §9; betagouv's RDV Service
 * Public is the reference read):
 *
 * - `GET /status?application_ids=<id>` → `{ "<id>": { status, appointments: [{ meeting_point,
 *   appointment_date, management_url }] } }`; status `validated` (appointments may be declared),
 *   `declared` (one already is), `consumed` (the application was filed), `expired`, `unknown`;
 * - `POST /appointments?application_id&meeting_point&meeting_point_id&appointment_date&management_url`
 *   declares one; `DELETE /appointments?application_id&meeting_point&meeting_point_id&appointment_date`
 *   removes it (the date is part of the key: a move is a DELETE then a POST);
 * - header `x-rdv-opt-auth-token`; dates `YYYY-MM-DD HH:MM:SS` in Paris time.
 *
 * Nothing is sent unless an administrator of the instance configured the address and the token.
 * Tests run against `src/test/ants-simulator.ts`, a local implementation of the same protocol.
 */
import { parisWallClock } from '../time/calendar.js';

export type AntsStatus = 'validated' | 'declared' | 'consumed' | 'expired' | 'unknown';

export interface AntsAppointment {
  meetingPoint: string;
  /** As the ANTS gives it back: `YYYY-MM-DD HH:MM:SS`, Paris time. */
  appointmentDate: string;
  managementUrl: string;
}

export interface AntsApplication {
  applicationId: string;
  status: AntsStatus;
  appointments: AntsAppointment[];
}

export interface AntsDeclaration {
  applicationId: string;
  meetingPoint: string;
  meetingPointId: string;
  startsAt: Date;
  /** Where the person changes or cancels the appointment (required by the ANTS). */
  managementUrl: string;
}

/** The ANTS did not answer, or not as documented: the caller decides (retry, or let the booking through). */
export class AntsUnavailableError extends Error {
  override name = 'AntsUnavailableError';
}

export interface AntsCoordination {
  status(applicationId: string): Promise<AntsApplication>;
  declare(d: AntsDeclaration): Promise<void>;
  remove(d: Omit<AntsDeclaration, 'managementUrl'>): Promise<void>;
}

const STATUSES = new Set<AntsStatus>(['validated', 'declared', 'consumed', 'expired', 'unknown']);

/** `YYYY-MM-DD HH:MM:SS` in Paris time, the API's date format. */
export function antsDate(instant: Date): string {
  const { date, minute } = parisWallClock(instant);
  const hh = String(Math.floor(minute / 60)).padStart(2, '0');
  const mm = String(minute % 60).padStart(2, '0');
  return `${date} ${hh}:${mm}:00`;
}

export function antsCoordinationClient(options: {
  url: string;
  token: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): AntsCoordination {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;

  async function call(method: 'GET' | 'POST' | 'DELETE', path: string, params: Record<string, string>) {
    const url = `${options.url}${path}?${new URLSearchParams(params).toString()}`;
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        headers: { accept: 'application/json', 'x-rdv-opt-auth-token': options.token },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      throw new AntsUnavailableError(`ANTS ${method} ${path}: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw new AntsUnavailableError(`ANTS ${method} ${path}: HTTP ${response.status}`);
    try {
      return text === '' ? {} : (JSON.parse(text) as unknown);
    } catch {
      throw new AntsUnavailableError(`ANTS ${method} ${path}: réponse qui n’est pas du JSON`);
    }
  }

  return {
    async status(applicationId) {
      const body = (await call('GET', '/status', { application_ids: applicationId })) as Record<string, unknown>;
      const entry = body[applicationId] as { status?: unknown; appointments?: unknown } | undefined;
      const status = typeof entry?.status === 'string' ? entry.status : 'unknown';
      if (!STATUSES.has(status as AntsStatus)) {
        throw new AntsUnavailableError(`ANTS GET /status: statut inattendu « ${status} »`);
      }
      const appointments = Array.isArray(entry?.appointments) ? entry.appointments : [];
      return {
        applicationId,
        status: status as AntsStatus,
        appointments: appointments.map((a: Record<string, unknown>) => ({
          meetingPoint: String(a.meeting_point ?? ''),
          appointmentDate: String(a.appointment_date ?? ''),
          managementUrl: String(a.management_url ?? ''),
        })),
      };
    },
    async declare(d) {
      await call('POST', '/appointments', {
        application_id: d.applicationId,
        meeting_point: d.meetingPoint,
        meeting_point_id: d.meetingPointId,
        appointment_date: antsDate(d.startsAt),
        management_url: d.managementUrl,
      });
    },
    async remove(d) {
      await call('DELETE', '/appointments', {
        application_id: d.applicationId,
        meeting_point: d.meetingPoint,
        meeting_point_id: d.meetingPointId,
        appointment_date: antsDate(d.startsAt),
      });
    },
  };
}
