// The browser's view of the server API. Types mirror ../server (kept structural so the client bundle imports no server code).

export interface KnobSpec {
  key: string;
  label: string;
  min: number;
  max: number;
  step: number;
  default: number;
  help: string;
}
export interface WorkflowInfo {
  id: string;
  title: string;
  description: string;
  knobs: KnobSpec[];
  methods: string[];
  defaultMethods: string[];
  agents: { id: string; successors: string[] }[];
  unavailable?: string;
  scoreLabel?: string;
}
export interface TrainSettings {
  workflow: string;
  knobs: Record<string, number>;
  methods: string[];
  episodes: number;
  seeds: number;
  checkpointEvery: number;
  sampleIntervalMs: number;
}
export type RunState = 'preparing' | 'running' | 'paused' | 'stopped' | 'done' | 'failed';
export interface RunStatus {
  id: string;
  state: RunState;
  settings: TrainSettings;
  method: string | null;
  seed: number | null;
  episodesDone: number;
  episodesTotal: number;
  auditLog: string;
  error?: string;
}
export interface CurvePoint {
  episode: number;
  mean: number;
  low: number;
  high: number;
  seeds: number;
  extras?: Record<string, number>;
}
export type Curves = Record<string, CurvePoint[]>;
export type BatonEvent = { type: string; episodeId: string; time: number; [key: string]: unknown };
export interface EpisodeMessage {
  runId: string;
  method: string;
  seed: number;
  episode: number;
  events: BatonEvent[];
}
export interface CostLine {
  dollars: number;
  inputTokens: number;
  outputTokens: number;
  work: number;
}
export interface AuditVerdict {
  ok: boolean;
  records: number;
  sealed: boolean;
  signed: boolean;
  live: boolean;
  firstBad?: { line: number; reason: string };
  tornTail?: boolean;
}
export interface AuditCosts {
  excluded: number;
  total: CostLine;
  agents: Record<string, CostLine & { models: string[] }>;
  edges: Record<string, CostLine & { count: number }>;
}
export interface AuditSummary {
  name: string;
  verdict: AuditVerdict;
  costs: AuditCosts;
}
export interface AuditPageRecord {
  line: number;
  kind: 'genesis' | 'event' | 'seal' | 'unreadable' | 'invalid';
  hash: string;
  ts?: number;
  event?: BatonEvent;
  problem?: string;
  text?: string;
}
export interface AuditLogInfo {
  name: string;
  bytes: number;
  modified: string;
}

// A token given as ?token= is kept for the session and then dropped from the address bar.
const url = new URL(window.location.href);
const fromUrl = url.searchParams.get('token');
if (fromUrl) {
  sessionStorage.setItem('baton-token', fromUrl);
  url.searchParams.delete('token');
  window.history.replaceState(null, '', url);
}
const token = sessionStorage.getItem('baton-token');

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers['authorization'] = `Bearer ${token}`;
  // The server takes state-changing requests as JSON only (a cross-site form cannot send that).
  if (method === 'POST') headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}) });
  const json = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(json.error ?? `${res.status} ${res.statusText}`);
  return json;
}

export const api = {
  workflows: () => call<WorkflowInfo[]>('GET', '/api/workflows'),
  start: (settings: TrainSettings) => call<RunStatus>('POST', '/api/runs', settings),
  control: (id: string, action: 'pause' | 'resume' | 'stop') => call<RunStatus>('POST', `/api/runs/${id}/${action}`),
  auditLogs: () => call<AuditLogInfo[]>('GET', '/api/audit'),
  audit: (name: string) => call<AuditSummary>('GET', `/api/audit/${encodeURIComponent(name)}`),
  auditRecords: (name: string, offset: number, limit: number) =>
    call<{ total: number; records: AuditPageRecord[] }>(
      'GET',
      `/api/audit/${encodeURIComponent(name)}/records?offset=${offset}&limit=${limit}`,
    ),
  events: (id: string) => new EventSource(`/api/runs/${id}/events${token ? `?token=${encodeURIComponent(token)}` : ''}`),
};
