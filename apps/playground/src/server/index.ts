import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createPlaygroundApp } from './app.ts';
import { coreAudit, type AuditBackend } from './audit.ts';
import { resolveAccessToken } from './auth.ts';
import { routeViewSource } from './route-report.ts';
import { defaultWorkflows, type PlaygroundWorkflow } from './workflows.ts';

export { isLoopback, presentedToken, resolveAccessToken, tokenMatches } from './auth.ts';
export {
  coreAudit,
  createCoreAudit,
  listAuditLogs,
  type AuditBackend,
  type PlaygroundCosts,
  type AuditPage,
  type AuditPageRecord,
  type AuditVerdict,
  type AuditWriter,
  type CoreAuditOptions,
  type CostLine,
} from './audit.ts';
export { createPlaygroundApp, type PlaygroundAppOptions } from './app.ts';
export { apiRoutes, type ApiOptions, type PlaygroundApi } from './routes.ts';
export { capBodies, hostGuard, MAX_BODY_BYTES, sameOriginWrites } from './guard.ts';
export { auditEventSchema, checkEvent } from '@baton/audit';
export { explainDecision, MAX_DRIVERS, type DecisionInsight, type Driver } from './insight.ts';
export {
  parseSettings,
  RECENT_EPISODES,
  TrainingRun,
  type CurvePoint,
  type RunMessage,
  type RunStatus,
  type TrainSettings,
} from './training.ts';
export { relayPlaygroundWorkflow } from './relay-workflow.ts';
export {
  loadRouteReport,
  parseRouteReport,
  routeMethodKind,
  routeReportSchema,
  routeView,
  routeViewSource,
  SYNTHETIC_LABEL,
  type RouteMethodKind,
  type RoutePoint,
  type RouteReport,
  type RouteView,
  type RouteViewMethod,
} from './route-report.ts';
export {
  SYNTHETIC_LAMBDAS,
  SYNTHETIC_MODELS,
  SYNTHETIC_PROMPTS,
  syntheticRouteReport,
  syntheticRouteSplits,
  syntheticRouteTask,
} from './route-synthetic.ts';
export { DEFAULT_COST_WEIGHT, DEFAULT_GSM8K_DIR, mathPlaygroundWorkflow, type MathPlaygroundOptions } from './math-workflow.ts';
export {
  defaultWorkflows,
  syntheticPlaygroundWorkflow,
  type Evaluation,
  type KnobSpec,
  type Learner,
  type PlaygroundWorkflow,
  type WorkflowInfo,
  type WorkflowSession,
} from './workflows.ts';

/** The app's own directory (apps/playground). */
export const APP_DIR = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CLIENT_DIR = join(APP_DIR, 'dist');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds the client with Vite when dist/ is missing or older than the client sources, so `baton serve` works from
 * a fresh clone with no separate build step (a build takes a few seconds).
 */
export async function ensureClientBuilt(log: (line: string) => void = () => {}): Promise<string> {
  const index = join(CLIENT_DIR, 'index.html');
  const sources = Math.max(newestMtime(join(APP_DIR, 'src', 'client')), statSync(join(APP_DIR, 'index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return CLIENT_DIR;
  log('building the playground client (vite)...');
  const { build } = await import('vite');
  // Always a production bundle: Vite follows NODE_ENV, which test runners set to `test` (that gave a React
  // development build that behaved differently from what users get).
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: APP_DIR, configFile: join(APP_DIR, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
  return CLIENT_DIR;
}

export interface StartOptions {
  readonly port: number;
  readonly host: string;
  readonly token?: string | undefined;
  readonly auditDir: string;
  readonly workflows?: readonly PlaygroundWorkflow[];
  readonly audit?: AuditBackend;
  /** A report written by `baton bench route --json` for the route view; checked at start (a bad one fails the start). */
  readonly routeReport?: string | undefined;
  readonly log?: (line: string) => void;
}

export interface RunningPlayground {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the playground server. Refuses a non-loopback host without a token. */
export async function startPlayground(options: StartOptions): Promise<RunningPlayground> {
  const token = resolveAccessToken(options.host, options.token);
  const routeView = routeViewSource(options.routeReport);
  // A given report is read and checked before anything is built (the default synthetic one waits for its first request).
  if (options.routeReport !== undefined) await routeView();
  const clientDir = await ensureClientBuilt(options.log);
  const { app, stopAll } = createPlaygroundApp({
    workflows: options.workflows ?? defaultWorkflows,
    audit: options.audit ?? coreAudit,
    auditDir: resolve(options.auditDir),
    clientDir,
    token,
    host: options.host,
    routeView,
  });
  return new Promise((resolveStart, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      resolveStart({
        url: `http://${host}:${info.port}/`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            stopAll();
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
    server.once('error', reject);
  });
}
