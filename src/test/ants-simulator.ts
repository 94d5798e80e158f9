/**
 * A LOCAL SIMULATOR of the ANTS coordination API (the anti-duplicate API of passport and
 * identity-card appointments) for the tests — not the ANTS. It answers as the editors who use
 * it document it (domain rules §9): `GET /status?application_ids=`, `POST /appointments` and
 * `DELETE /appointments` with query parameters, the `x-rdv-opt-auth-token` header (401 without a
 * known token). Applications are seeded with a status; a declared appointment turns a validated
 * application into `declared` and is visible to every editor; deleting the last one turns it back.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AntsStatus } from '../platform/ants/coordination.js';

export interface SimulatedAntsAppointment {
  meeting_point: string;
  meeting_point_id: string;
  appointment_date: string;
  management_url: string;
}

export interface AntsSimulator {
  url: string;
  /** The token Guichet is given; `otherEditorToken` is another editor's. */
  token: string;
  otherEditorToken: string;
  env: Record<string, string>;
  /** Sets an application's status (its appointments kept). */
  seed(applicationId: string, status: AntsStatus): void;
  appointmentsOf(applicationId: string): SimulatedAntsAppointment[];
  /** Every request received, in order (method, path, query). */
  requests: Array<{ method: string; path: string; params: Record<string, string> }>;
  /** While true, every request gets a 503 (ANTS unavailable). */
  down: boolean;
  close(): Promise<void>;
}

export async function startAntsSimulator(): Promise<AntsSimulator> {
  const applications = new Map<string, { status: AntsStatus; appointments: SimulatedAntsAppointment[] }>();
  const tokens = new Set(['jeton-guichet-essai', 'jeton-autre-editeur']);
  const requests: AntsSimulator['requests'] = [];
  const state = { down: false };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const params = Object.fromEntries(url.searchParams);
    requests.push({ method: req.method ?? '', path: url.pathname, params });
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (state.down) return reply(503, { detail: 'Service indisponible' });
    if (!tokens.has(String(req.headers['x-rdv-opt-auth-token'] ?? ''))) return reply(401, { detail: 'Unauthorized' });
    const app = (id: string) => applications.get(id) ?? { status: 'unknown' as AntsStatus, appointments: [] };
    if (req.method === 'GET' && url.pathname === '/status') {
      const ids = (params.application_ids ?? '').split(',').filter(Boolean);
      return reply(200, Object.fromEntries(ids.map((id) => [id, app(id)])));
    }
    if (url.pathname === '/appointments' && (req.method === 'POST' || req.method === 'DELETE')) {
      const id = params.application_id ?? '';
      const found = applications.get(id);
      if (!found || !['validated', 'declared'].includes(found.status))
        return reply(400, { detail: 'application not valid' });
      if (req.method === 'POST') {
        if (!params.management_url || !params.meeting_point || !params.appointment_date) {
          return reply(422, { detail: 'missing parameter' });
        }
        found.appointments.push({
          meeting_point: params.meeting_point,
          meeting_point_id: params.meeting_point_id ?? '',
          appointment_date: params.appointment_date,
          management_url: params.management_url,
        });
        found.status = 'declared';
        return reply(200, { success: true });
      }
      const before = found.appointments.length;
      found.appointments = found.appointments.filter(
        (a) => !(a.meeting_point === params.meeting_point && a.appointment_date === params.appointment_date),
      );
      if (found.appointments.length === before) return reply(404, { detail: 'appointment not found' });
      if (found.appointments.length === 0) found.status = 'validated';
      return reply(200, { rowcount: before - found.appointments.length });
    }
    return reply(404, { detail: 'Not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    token: 'jeton-guichet-essai',
    otherEditorToken: 'jeton-autre-editeur',
    env: { GUICHET_ANTS_COORDINATION_URL: url, GUICHET_ANTS_TOKEN: 'jeton-guichet-essai' },
    seed(id, status) {
      const found = applications.get(id);
      if (found) found.status = status;
      else applications.set(id, { status, appointments: [] });
    },
    appointmentsOf: (id) => [...(applications.get(id)?.appointments ?? [])],
    requests,
    get down() {
      return state.down;
    },
    set down(value: boolean) {
      state.down = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
