import {
  evaluateRoute,
  loadRouteHeads,
  recordedRouteWorkflow,
  routeInput,
  saveRouteHeads,
  trainRoute,
  type RecordedTask,
  type TrainedRoute,
} from '@baton/agents/route';
import { InProcessRuntime, Rng, UserError, type Action, type BatonEvent, type HandoffHead, type InterfaceView } from '@baton/core';
import { beforeAll, describe, expect, it } from 'vitest';

const LETTERS = ['A', 'B', 'C', 'D'];

/** Three recorded models on 48 four-option prompts: `small` is right on 2 of 3, `mid` on 5 of 6, `big` always. */
function fixture(): RecordedTask {
  const models = ['small', 'mid', 'big'];
  const cost: Record<string, number> = { small: 0.0001, mid: 0.0006, big: 0.004 };
  const prompts = Array.from({ length: 48 }, (_, i) => {
    const gold = LETTERS[i % 4] as string;
    const wrong = LETTERS[(i + 1) % 4] as string;
    const right: Record<string, boolean> = { small: i % 3 !== 0, mid: i % 6 !== 0, big: true };
    const drafts = Object.fromEntries(
      models.map((m) => [m, { text: `The answer is ${right[m] ? gold : wrong}.`, score: right[m] ? 1 : 0, costUsd: cost[m] as number }]),
    );
    const prompt = `Question ${i}: which one?\nA) one\nB) two\nC) three\nD) four\nAnswer:`;
    return { id: `q${i}`, prompt, drafts };
  });
  return { name: 'tiny_choice', kind: 'choice', models, prompts, source: 'fixture' };
}

/** Decision views of exploring episodes (no learning) of `heads` on the task's prompts, with each view's legal actions. */
async function sampleViews(task: RecordedTask, trained: TrainedRoute, heads: Record<string, HandoffHead>) {
  const workflow = recordedRouteWorkflow(task, { lambda: trained.lambda, costScale: trained.costScale, maxDrafts: trained.maxDrafts });
  const views: { agent: string; view: InterfaceView; legal: readonly Action[] }[] = [];
  const sink = (e: BatonEvent): void => {
    if (e.type === 'decision') views.push({ agent: e.agent, view: e.view, legal: e.legal });
  };
  const runtime = new InProcessRuntime({ workflow, heads, sinks: [sink] });
  for (const [i, p] of task.prompts.entries())
    await runtime.runEpisode({ seed: i, input: routeInput(p.prompt, p.id), learn: false, explore: true });
  await runtime.close();
  return views;
}

describe('route heads file', () => {
  const task = fixture();
  let trained: TrainedRoute;
  beforeAll(async () => {
    trained = await trainRoute(task, { lambda: 0.1, seed: 3, epochs: 4, pool: 'all' });
  });

  it('round-trips through JSON text: the loaded heads decide and value every sample view as the trained ones', async () => {
    const file = saveRouteHeads(trained, { kind: 'choice', task: task.name });
    expect(file).toMatchObject({
      format: 'baton-route-heads',
      version: 1,
      kind: 'choice',
      learner: 'icq',
      models: ['small', 'mid', 'big'],
    });
    const loaded = loadRouteHeads(JSON.parse(JSON.stringify(file)));
    expect(loaded).toMatchObject({ lambda: 0.1, maxDrafts: trained.maxDrafts, costScale: trained.costScale, task: 'tiny_choice' });
    const views = await sampleViews(task, trained, loadRouteHeads(JSON.parse(JSON.stringify(file))).heads);
    expect(new Set(views.map((v) => v.agent)).size).toBe(4);
    for (const { agent, view, legal } of views) {
      const ctx = { rng: new Rng(1), explore: false };
      const [mine, theirs] = [loaded.heads[agent], trained.heads[agent]];
      if (mine === undefined || theirs === undefined) throw new Error(`no head for ${agent}`);
      expect(mine.decide(view, legal, ctx)).toEqual(theirs.decide(view, legal, { ...ctx, rng: new Rng(1) }));
      expect(mine.value(view, legal)).toBe(theirs.value(view, legal));
    }
    const before = await evaluateRoute(task, trained);
    const after = await evaluateRoute(task, { ...trained, heads: loaded.heads });
    expect(after).toEqual(before);
  });

  it('saves and loads the no-scalar Monte Carlo heads too', async () => {
    const mc = await trainRoute(task, { lambda: 0.1, seed: 3, epochs: 2, pool: 'all', learner: 'independent-mc' });
    const loaded = loadRouteHeads(JSON.parse(JSON.stringify(saveRouteHeads(mc, { kind: 'choice' }))));
    expect(loaded.learner).toBe('independent-mc');
    expect(await evaluateRoute(task, { ...mc, heads: loaded.heads })).toEqual(await evaluateRoute(task, mc));
  });

  it('names the field of every problem', () => {
    const good = JSON.stringify(saveRouteHeads(trained, { kind: 'choice' }));
    type Json = Record<string, unknown>;
    const at = (json: Json, path: readonly string[]): Json => path.reduce((o, k) => o[k] as Json, json);
    /** The message loading gives after setting `path` to `value` (undefined deletes it). */
    const problem = (path: readonly string[], value: unknown): string => {
      const f = JSON.parse(good) as Json;
      const parent = at(f, path.slice(0, -1));
      const key = path[path.length - 1] as string;
      if (value === undefined) Reflect.deleteProperty(parent, key);
      else parent[key] = value;
      try {
        loadRouteHeads(f);
      } catch (error) {
        expect(error).toBeInstanceOf(UserError);
        return (error as UserError).message;
      }
      throw new Error('loaded');
    };
    const mid = at(JSON.parse(good) as Json, ['heads', 'mid']);
    expect(problem(['format'], 'baton-heads')).toMatch(/^format: must be "baton-route-heads"/);
    expect(problem(['version'], 2)).toMatch(/^version: must be 1/);
    expect(problem(['kind'], 'essay')).toMatch(/^kind:/);
    expect(problem(['lambda'], -1)).toMatch(/^lambda:/);
    expect(problem(['extra'], 1)).toMatch(/unknown key "extra"/);
    expect(problem(['heads', 'mid'], undefined)).toMatch(/^heads\.mid: is missing/);
    expect(problem(['heads', 'huge'], mid)).toMatch(/^heads\.huge: no such agent/);
    expect(problem(['models'], ['small', 'big', 'mid', 'mid'])).toMatch(/^models: lists a model twice/);
    expect(problem(['heads', 'mid', 'heads', '1', 'weights', 'submit'], [1, 2])).toMatch(
      /^heads\.mid\.heads\.1\.weights\.submit: needs \d+ weights/,
    );
    expect(problem(['heads', 'big'], mid)).toMatch(/^heads\.big\.heads\.\d\.projectionKeys: was trained on features/);
    expect(() => saveRouteHeads({ ...trained, learner: 'ucb1' }, { kind: 'choice' })).toThrow(/learner: UCB1 heads cannot be saved/);
  });
});
