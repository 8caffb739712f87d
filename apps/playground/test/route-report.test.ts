import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  coreAudit,
  createPlaygroundApp,
  routeViewSource,
  startPlayground,
  syntheticPlaygroundWorkflow,
  syntheticRouteReport,
  syntheticRouteTask,
  type RouteView,
} from '@baton/playground';

// The route view's endpoint: by default a synthetic route bench computed by the server, else a checked report file.

const dir = mkdtempSync(join(tmpdir(), 'baton-pg-route-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HOST = { host: '127.0.0.1:5177' };

const appWith = (routeView?: () => Promise<RouteView>) =>
  createPlaygroundApp({
    workflows: [syntheticPlaygroundWorkflow],
    audit: coreAudit,
    auditDir: dir,
    clientDir: join(dir, 'no-client'),
    host: '127.0.0.1',
    routeView,
  }).app;

const getRoute = async (app: ReturnType<typeof appWith>) => {
  const res = await app.request('/api/route', { headers: HOST });
  return { status: res.status, body: (await res.json()) as RouteView & { error?: string } };
};

describe('the synthetic route task', () => {
  it('is the same on every build: cheap models right ~80 % independently, the expert always right at 10x the cost', () => {
    const train = syntheticRouteTask('train');
    expect(syntheticRouteTask('train')).toEqual(train);
    expect(syntheticRouteTask('test')).not.toEqual(train);
    const mean = (model: string, key: 'score' | 'costUsd') =>
      train.prompts.reduce((s, p) => s + (p.drafts[model]?.[key] ?? 0), 0) / train.prompts.length;
    expect(mean('cheap-a', 'score')).toBeGreaterThan(0.7);
    expect(mean('cheap-a', 'score')).toBeLessThan(0.9);
    expect(mean('expert', 'score')).toBe(1);
    expect(mean('expert', 'costUsd') / mean('cheap-b', 'costUsd')).toBeCloseTo(10, 9);
  });
});

describe('GET /api/route', () => {
  let synthetic: RouteView;
  beforeAll(async () => {
    const { status, body } = await getRoute(appWith());
    expect(status).toBe(200);
    synthetic = body;
  }, 60_000);

  it('by default answers the synthetic bench, labelled as such, with every method drawn and tabulated', () => {
    expect(synthetic.source).toBe('synthetic');
    expect(synthetic.label).toMatch(/^SYNTHETIC data, not a benchmark/);
    expect(synthetic.task).toBe('synthetic');
    expect(synthetic.seeds).toBe(2);
    expect(synthetic.budgets).toEqual([0.1, 0.25, 0.5, 1]);
    expect(synthetic.bestModel).toBe('expert');
    const kinds = Object.fromEntries(synthetic.methods.map((m) => [m.name, m.kind]));
    expect(kinds).toMatchObject({ icq: 'learned', 'independent-mc': 'baseline', ucb1: 'baseline', oracle: 'ceiling' });
    expect(kinds['perfect-checker']).toBe('ceiling');
    expect(kinds['hindsight-agreement']).toBe('ceiling');
    // The demo shows learning: IC-Q finds "both cheap models agree, else the expert", far above a random mix at 50 %.
    const at50 = (name: string): number => synthetic.methods.find((m) => m.name === name)?.accAtBudget['0.5'] ?? 0;
    expect(at50('icq')).toBeGreaterThan(at50('random') + 0.05);
    expect(kinds['single:expert']).toBe('single');
    for (const m of synthetic.methods) {
      expect(Object.keys(m.accAtBudget).sort(), m.name).toEqual(['0.1', '0.25', '0.5', '1']);
      expect(m.hull.length, m.name).toBeGreaterThan(0);
      // The hull goes up in cost and never down in accuracy.
      m.hull.forEach((p, i) => {
        const before = m.hull[i - 1];
        if (before) expect(p.costShare > before.costShare && p.accuracy >= before.accuracy, `${m.name} ${i}`).toBe(true);
      });
    }
    const [expert] = synthetic.methods.find((m) => m.name === 'single:expert')?.points ?? [];
    expect(expert?.costShare).toBeCloseTo(1, 9);
    expect(expert?.accuracy).toBeCloseTo(1, 9);
    expect(synthetic.verdict).toMatch(/^icq vs best-fixed-cascade: /);
  });

  it('computes the synthetic bench once', async () => {
    const source = routeViewSource();
    const [a, b] = await Promise.all([source(), source()]);
    expect(a).toBe(b);
  }, 60_000);

  it('answers a report written by `baton bench route --json`, named by its file only', async () => {
    const file = join(dir, 'arc.json');
    writeFileSync(file, JSON.stringify({ ...(await syntheticRouteReport()), task: 'arc_challenge' }, null, 2));
    const { status, body } = await getRoute(appWith(routeViewSource(file)));
    expect(status).toBe(200);
    expect(body.source).toBe('file');
    expect(body.task).toBe('arc_challenge');
    expect(body.label).toBe('report arc.json (baton bench route --json)');
    expect(body.methods.map((m) => m.name)).toEqual(synthetic.methods.map((m) => m.name));
  }, 60_000);

  it('refuses a bad report with the field it got wrong, over HTTP and at start-up', async () => {
    const report = JSON.parse(JSON.stringify(await syntheticRouteReport())) as { methods: { curve: { accuracy: unknown }[] }[] };
    (report.methods[4]?.curve[0] as { accuracy: unknown }).accuracy = 'high';
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(report));
    const message =
      /^--route-report: bad\.json is not a route bench report \(baton bench route --json\): methods\[4\]\.curve\[0\]\.accuracy: /;
    const { status, body } = await getRoute(appWith(routeViewSource(bad)));
    expect(status).toBe(400);
    expect(body.error).toMatch(message);
    expect(body.error).not.toContain(dir);
    await expect(startPlayground({ port: 0, host: '127.0.0.1', auditDir: dir, routeReport: bad })).rejects.toThrow(message);

    writeFileSync(bad, '{"split": "test",');
    expect((await getRoute(appWith(routeViewSource(bad)))).body.error).toMatch(/^--route-report: bad\.json is not JSON: /);
    expect((await getRoute(appWith(routeViewSource(join(dir, 'none.json'))))).body.error).toBe(
      '--route-report: cannot read the route report none.json: ENOENT',
    );
  }, 60_000);

  it('is read-only and behind the Host check', async () => {
    const app = appWith(() => Promise.resolve(synthetic));
    const post = await app.request('/api/route', { method: 'POST', headers: { ...HOST, 'content-type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(404);
    expect((await app.request('/api/route', { headers: { host: 'attacker.example:5177' } })).status).toBe(403);
  });
});
