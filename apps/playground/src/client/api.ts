// The browser's client of the server API, typed from the server's own routes (Hono RPC). Every server import here is
// `import type`: erased at build time, so the bundle carries no server code (test/client-imports.test.ts checks).
import { DetailedError, hc, parseResponse, type ClientResponse, type InferRequestType, type InferResponseType } from 'hono/client';
import type { PlaygroundApi } from '../server/routes.ts';
import type { RunMessage } from '../server/training.ts';

export type { DecisionInsight } from '../server/insight.ts';
export type { BatonEvent } from '@baton/core';
/** One message of the run event stream (its SSE `data`); the stream is not an RPC route, so typed from the server's union. */
export type { RunMessage };
export type Curves = Extract<RunMessage, { type: 'curves' }>['curves'];
export type EpisodeMessage = Extract<RunMessage, { type: 'episode' }>;

// A token given as ?token= is kept for the session and then dropped from the address bar.
const url = new URL(window.location.href);
const fromUrl = url.searchParams.get('token');
if (fromUrl) {
  sessionStorage.setItem('baton-token', fromUrl);
  url.searchParams.delete('token');
  window.history.replaceState(null, '', url);
}
const token = sessionStorage.getItem('baton-token');

const client = hc<PlaygroundApi>(new URL('/api', window.location.origin).href, {
  headers: (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {}),
});

// What the routes answer, as it arrives (JSON-parsed): the types follow the server's handlers, not a copy.
export type WorkflowInfo = InferResponseType<typeof client.workflows.$get, 200>[number];
export type KnobSpec = WorkflowInfo['knobs'][number];
export type RunStatus = InferResponseType<typeof client.runs.$get, 200>[number];
export type TrainSettings = InferRequestType<typeof client.runs.$post>['json'];
export type AuditSummary = InferResponseType<(typeof client.audit)[':name']['$get'], 200>;
export type AuditVerdict = AuditSummary['verdict'];
export type AuditCosts = AuditSummary['costs'];
export type CostLine = AuditCosts['total'];
export type AuditLogInfo = InferResponseType<typeof client.audit.$get, 200>[number];
export type RouteView = InferResponseType<typeof client.route.$get, 200>;
export type RouteViewMethod = RouteView['methods'][number];
export type AuditPageRecord = InferResponseType<(typeof client.audit)[':name']['records']['$get'], 200>['records'][number];

/** The response body, or an Error with the server's own message (`{ error }`) when the status is not ok. */
async function body<T extends ClientResponse<unknown>>(request: Promise<T>) {
  try {
    return await parseResponse(request);
  } catch (error) {
    if (!(error instanceof DetailedError)) throw error;
    const data = (error.detail as { data?: { error?: unknown } } | undefined)?.data;
    throw new Error(typeof data?.error === 'string' ? data.error : error.message, { cause: error });
  }
}

export const api = {
  workflows: () => body(client.workflows.$get()),
  start: (settings: TrainSettings) => body(client.runs.$post({ json: settings })),
  // State-changing requests go out as JSON (the server refuses anything else: a cross-site form cannot send JSON).
  control: (id: string, action: 'pause' | 'resume' | 'stop') => body(client.runs[':id'][action].$post({ param: { id }, json: {} })),
  route: () => body(client.route.$get()),
  auditLogs: () => body(client.audit.$get()),
  audit: (name: string) => body(client.audit[':name'].$get({ param: { name } })),
  auditRecords: (name: string, offset: number, limit: number) =>
    body(client.audit[':name'].records.$get({ param: { name }, query: { offset: String(offset), limit: String(limit) } })),
  /** EventSource cannot set headers: the token goes in the query. Each message's data is one `RunMessage`. */
  events: (id: string) => {
    const at = client.runs[':id'].events.$url({ param: { id } });
    if (token) at.searchParams.set('token', token);
    return new EventSource(at);
  },
};
