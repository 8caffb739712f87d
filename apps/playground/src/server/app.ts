import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { UserError } from '@baton/core';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AuditBackend } from './audit.ts';
import { requireToken } from './auth.ts';
import { capBodies, hostGuard, sameOriginWrites } from './guard.ts';
import { apiRoutes } from './routes.ts';
import type { TrainingRun } from './training.ts';
import type { RouteView } from './route-report.ts';
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
  readonly host?: string | undefined;
  /** The route view's data (`routeViewSource`); default: the synthetic route bench, computed on the first request. */
  readonly routeView?: (() => Promise<RouteView>) | undefined;
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
  app.route('/api', apiRoutes(options, runs));
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
