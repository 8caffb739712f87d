import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { streamSSE } from 'hono/streaming';
import { UserError } from '@baton/core';
import { listAuditLogs, type AuditBackend } from './audit.ts';
import { requireToken } from './auth.ts';
import { capBodies, hostGuard, sameOriginWrites } from './guard.ts';
import { parseSettings, TrainingRun, type RunMessage } from './training.ts';
import type { PlaygroundWorkflow } from './workflows.ts';

export interface PlaygroundAppOptions {
  readonly workflows: readonly PlaygroundWorkflow[];
  readonly audit: AuditBackend;
  /** Where training runs write their audit logs, and where the audit browser looks. */
  readonly auditDir: string;
  /** Built client (vite output). */
  readonly clientDir: string;
  /** Required on every /api request when set. */
  readonly token?: string | undefined;
  /** The address the server is bound to (default 127.0.0.1): on loopback, requests addressed to any other name are refused. */
  readonly host?: string;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** The playground's HTTP surface: JSON API + SSE under /api (token-checked), the built client everywhere else. */
export function createPlaygroundApp(options: PlaygroundAppOptions): { app: Hono; stopAll: () => void } {
  const runs = new Map<string, TrainingRun>();
  let counter = 0;
  const app = new Hono();

  // Messages name audit logs by their file name: the server's own paths are nobody else's business.
  const scrub = (message: string) => message.split(join(options.auditDir, sep)).join('');
  app.onError((error, c) => {
    if (error instanceof UserError) return c.json({ error: scrub(error.message) }, 400);
    if (error instanceof HTTPException && error.status < 500) return c.json({ error: scrub(error.message) }, error.status);
    console.error(error);
    return c.json({ error: 'internal error' }, 500);
  });

  app.use('*', hostGuard(options.host ?? '127.0.0.1'));
  app.use('*', capBodies());
  app.use('/api/*', requireToken(options.token));
  app.use('/api/*', sameOriginWrites());

  app.get('/api/workflows', (c) => c.json(options.workflows.map((w) => w.info)));

  app.get('/api/runs', (c) => c.json([...runs.values()].map((r) => r.status())));

  app.post('/api/runs', async (c) => {
    const body: unknown = await c.req.json().catch(() => {
      throw new UserError('the request body is not JSON', { field: 'body' });
    });
    const settings = parseSettings(body, options.workflows);
    const workflow = options.workflows.find((w) => w.info.id === settings.workflow) as PlaygroundWorkflow;
    // One run trains at a time: the machine's cores are shared, and curves from concurrent runs would be slower, not better.
    for (const r of runs.values()) if (!r.finished) r.stop();
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const run = new TrainingRun(`run-${stamp}-${++counter}`, settings, workflow, options.audit, options.auditDir);
    runs.set(run.id, run);
    void run.run();
    return c.json(run.status(), 201);
  });

  const withRun = (id: string) => {
    const run = runs.get(id);
    if (!run) throw new UserError(`no run ${id}`, { field: 'id' });
    return run;
  };
  app.get('/api/runs/:id', (c) => {
    const run = withRun(c.req.param('id'));
    return c.json({ status: run.status(), curves: run.curves() });
  });
  app.post('/api/runs/:id/pause', (c) => c.json((withRun(c.req.param('id')).pause(), runs.get(c.req.param('id'))?.status())));
  app.post('/api/runs/:id/resume', (c) => c.json((withRun(c.req.param('id')).resumeRun(), runs.get(c.req.param('id'))?.status())));
  app.post('/api/runs/:id/stop', (c) => c.json((withRun(c.req.param('id')).stop(), runs.get(c.req.param('id'))?.status())));

  app.get('/api/runs/:id/events', (c) => {
    const run = withRun(c.req.param('id'));
    return streamSSE(c, async (stream) => {
      const queue: RunMessage[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = run.subscribe((m) => {
        // A slow browser gets the latest curves/status rather than an ever-growing backlog.
        if (queue.length > 50) queue.splice(0, queue.length - 50);
        queue.push(m);
        wake?.();
      });
      let closed = false;
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      // Catch up first (recent episodes, curves), status last: a browser stops listening once it reads a final state.
      const status = run.status();
      const curves = run.curves();
      for (const m of run.recentEpisodes()) await stream.writeSSE({ event: 'episode', data: JSON.stringify(m) });
      await stream.writeSSE({ event: 'curves', data: JSON.stringify({ runId: run.id, curves }) });
      await stream.writeSSE({ event: 'status', data: JSON.stringify(status) });
      try {
        while (!closed) {
          const m = queue.shift();
          if (!m) {
            if (run.finished) break;
            await new Promise<void>((resolve) => {
              wake = resolve;
              setTimeout(resolve, 15_000); // heartbeat
            });
            wake = null;
            if (!queue.length && !closed) await stream.writeSSE({ event: 'ping', data: '{}' });
            continue;
          }
          await stream.writeSSE({ event: m.type, data: JSON.stringify(m.type === 'status' ? m.status : m) });
        }
      } finally {
        unsubscribe();
      }
    });
  });

  /** A log in the audit directory, by plain file name (no leading dot, no separators); 404 when there is none. */
  const auditFile = async (name: string) => {
    if (!/^\w[\w.-]*\.jsonl$/.test(name)) throw new UserError(`bad audit log name ${JSON.stringify(name)}`, { field: 'name' });
    const file = join(options.auditDir, name);
    if (
      !(await stat(file).then(
        (s) => s.isFile(),
        () => false,
      ))
    )
      throw new HTTPException(404, { message: `no audit log ${name}` });
    return file;
  };
  app.get('/api/audit', async (c) => c.json(await listAuditLogs(options.auditDir)));
  app.get('/api/audit/:name', async (c) => {
    const name = c.req.param('name');
    const file = await auditFile(name);
    // A running training's log is not sealed yet: check what is there, without requiring the seal.
    const live = [...runs.values()].some((r) => r.auditLog === name && r.auditOpen);
    const verdict = await options.audit.verify(file, { live });
    // Summed over the records that parse and match the event schema; the rest are counted as excluded.
    const costs = await options.audit.costs(file);
    return c.json({ name: c.req.param('name'), verdict, costs });
  });
  app.get('/api/audit/:name/records', async (c) => {
    const offset = Number(c.req.query('offset') ?? 0);
    const limit = Math.min(Number(c.req.query('limit') ?? 100), 1000);
    return c.json(
      await options.audit.read(await auditFile(c.req.param('name')), {
        offset: Number.isFinite(offset) ? offset : 0,
        limit: Number.isFinite(limit) ? limit : 100,
      }),
    );
  });
  app.all('/api/*', (c) => c.json({ error: 'not found' }, 404));

  // The client: static files, with index.html for every other path (single-page app).
  const root = normalize(options.clientDir);
  app.get('*', async (c) => {
    let rel: string;
    try {
      rel = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return c.json({ error: 'malformed percent-encoding in the path' }, 400);
    }
    const file = normalize(join(root, rel));
    const inside = file === root || file.startsWith(root + sep);
    for (const candidate of inside && extname(file) ? [file] : [join(root, 'index.html')]) {
      try {
        const body = await readFile(candidate);
        return c.body(body, 200, {
          'content-type': MIME[extname(candidate)] ?? 'application/octet-stream',
          'cache-control': candidate.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
      } catch {
        // fall through
      }
    }
    return c.text('not found', 404);
  });

  return { app, stopAll: () => runs.forEach((r) => r.stop()) };
}
