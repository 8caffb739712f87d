import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@baton/core';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { streamSSE } from 'hono/streaming';
import { validator } from 'hono/validator';
import { listAuditLogs, type AuditBackend } from './audit.ts';
import { routeViewSource, type RouteView } from './route-report.ts';
import { parseSettings, TrainingRun, type RunMessage } from './training.ts';
import type { PlaygroundWorkflow } from './workflows.ts';

export interface ApiOptions {
  readonly workflows: readonly PlaygroundWorkflow[];
  readonly audit: AuditBackend;
  readonly auditDir: string;
  /** The route view's data (default: the synthetic route bench, computed on the first request). */
  readonly routeView?: (() => Promise<RouteView>) | undefined;
}

/** The body of a control request (pause, resume, stop): a JSON object, `{}`; it has no options yet. */
const noOptions = validator('json', (body: unknown): Record<string, never> => {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length > 0)
    throw new UserError('expects an empty JSON object, {}', { field: 'body' });
  return {};
});

/** `?offset=&limit=` of a records page: whole numbers, the limit at most 1,000; anything else falls back to the defaults. */
function pageQuery(query: Record<string, string | string[]>, _c: unknown): { offset: number; limit: number } {
  const count = (key: string, fallback: number, max: number) => {
    const n = Number(query[key] ?? fallback);
    return Number.isFinite(n) ? Math.min(Math.max(0, Math.floor(n)), max) : fallback;
  };
  return { offset: count('offset', 0, Number.MAX_SAFE_INTEGER), limit: count('limit', 100, 1000) };
}

/** How many messages a slow browser may fall behind before the oldest are dropped (it gets the latest state). */
const BACKLOG = 50;

/**
 * The JSON API and the run event stream, mounted at /api. Routes are chained so that `PlaygroundApi` carries every
 * path, input and response type: the browser's client (`hc<PlaygroundApi>`) is typed from this, not from a copy.
 */
export function apiRoutes(options: ApiOptions, runs: Map<string, TrainingRun>) {
  let counter = 0;
  const routeView = options.routeView ?? routeViewSource();
  const withRun = (id: string) => {
    const run = runs.get(id);
    if (!run) throw new HTTPException(404, { message: `no run ${id}` });
    return run;
  };
  /** A log in the audit directory, by plain file name (no leading dot, no separators); 404 when there is none. */
  const auditFile = async (name: string) => {
    if (!/^\w[\w.-]*\.jsonl$/.test(name)) throw new UserError(`bad audit log name ${JSON.stringify(name)}`, { field: 'name' });
    const file = join(options.auditDir, name);
    const isFile = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!isFile) throw new HTTPException(404, { message: `no audit log ${name}` });
    return file;
  };

  return (
    new Hono()
      .get('/workflows', (c) => c.json(options.workflows.map((w) => w.info)))
      .get('/runs', (c) => c.json([...runs.values()].map((r) => r.status())))
      .post(
        '/runs',
        validator('json', (body: unknown) => parseSettings(body, options.workflows)),
        (c) => {
          const settings = c.req.valid('json');
          const workflow = options.workflows.find((w) => w.info.id === settings.workflow) as PlaygroundWorkflow;
          // One run trains at a time: the machine's cores are shared, and curves from concurrent runs would be slower, not better.
          for (const r of runs.values()) if (!r.finished) r.stop();
          const stamp = new Date().toISOString().replace(/[:.]/g, '-');
          const run = new TrainingRun(`run-${stamp}-${++counter}`, settings, workflow, options.audit, options.auditDir);
          runs.set(run.id, run);
          void run.run();
          return c.json(run.status(), 201);
        },
      )
      .get('/runs/:id', (c) => {
        const run = withRun(c.req.param('id'));
        return c.json({ status: run.status(), curves: run.curves() });
      })
      .post('/runs/:id/pause', noOptions, (c) => c.json(withRun(c.req.param('id')).pause().status()))
      .post('/runs/:id/resume', noOptions, (c) => c.json(withRun(c.req.param('id')).resumeRun().status()))
      .post('/runs/:id/stop', noOptions, (c) => c.json(withRun(c.req.param('id')).stop().status()))
      .get('/runs/:id/events', (c) => {
        const run = withRun(c.req.param('id'));
        return streamSSE(c, async (stream) => {
          const queue: RunMessage[] = [];
          let wake: (() => void) | null = null;
          const unsubscribe = run.subscribe((m) => {
            // A slow browser gets the latest curves/status rather than an ever-growing backlog.
            if (queue.length > BACKLOG) queue.splice(0, queue.length - BACKLOG);
            queue.push(m);
            wake?.();
          });
          let closed = false;
          const isClosed = (): boolean => closed; // a call, not a read: onAbort sets it while the loop below awaits
          stream.onAbort(() => {
            closed = true;
            wake?.();
          });
          const send = (m: RunMessage) => stream.writeSSE({ event: m.type, data: JSON.stringify(m) });
          // Catch up first (recent episodes, curves), status last: a browser stops listening once it reads a final state.
          const status = run.status();
          const curves = run.curves();
          for (const m of run.recentEpisodes()) await send(m);
          await send({ type: 'curves', runId: run.id, curves });
          await send({ type: 'status', status });
          try {
            while (!isClosed()) {
              const m = queue.shift();
              if (!m) {
                if (run.finished) break;
                await new Promise<void>((resolve) => {
                  wake = resolve;
                  setTimeout(resolve, 15_000); // heartbeat
                });
                wake = null;
                if (!queue.length && !isClosed()) await stream.writeSSE({ event: 'ping', data: '{}' });
                continue;
              }
              await send(m);
            }
          } finally {
            unsubscribe();
          }
        });
      })
      // Read-only: a route bench report's accuracy-cost curves, AIQ, acc@budget and verdict.
      .get('/route', async (c) => c.json(await routeView()))
      .get('/audit', async (c) => c.json(await listAuditLogs(options.auditDir)))
      .get('/audit/:name', async (c) => {
        const name = c.req.param('name');
        const file = await auditFile(name);
        // A running training's log is not sealed yet: check what is there, without requiring the seal.
        const live = [...runs.values()].some((r) => r.auditLog === name && r.auditOpen);
        const verdict = await options.audit.verify(file, { live });
        // Summed over the records that parse and match the event schema; the rest are counted as excluded.
        const costs = await options.audit.costs(file);
        return c.json({ name, verdict, costs });
      })
      .get('/audit/:name/records', validator('query', pageQuery), async (c) => {
        const file = await auditFile(c.req.param('name'));
        return c.json(await options.audit.read(file, c.req.valid('query')));
      })
  );
}

/** The API's type, for `hc<PlaygroundApi>` in the browser. */
export type PlaygroundApi = ReturnType<typeof apiRoutes>;
