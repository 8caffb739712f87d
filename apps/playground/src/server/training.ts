import { join } from 'node:path';
import { Rng, UserError, type BatonEvent } from '@baton/core';
import { ci95, mean } from '@baton/learner';
import type { AuditBackend, AuditWriter } from './audit.ts';
import { explainDecision, type DecisionInsight } from './insight.ts';
import type { PlaygroundWorkflow, WorkflowInfo } from './workflows.ts';

/** What the browser asks for when it starts a run. */
export interface TrainSettings {
  readonly workflow: string;
  readonly knobs: Readonly<Record<string, number>>;
  readonly methods: readonly string[];
  /** Training episodes per method and seed. */
  readonly episodes: number;
  readonly seeds: number;
  /** Learning-curve checkpoint spacing, in episodes. */
  readonly checkpointEvery: number;
  /** Stream (and audit) at most one episode per this many milliseconds, so the browser is never flooded. */
  readonly sampleIntervalMs: number;
}

export type RunState = 'preparing' | 'running' | 'paused' | 'stopped' | 'done' | 'failed';

export interface CurvePoint {
  readonly episode: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly seeds: number;
  /** Means across seeds of the workflow's extra figures (e.g. accuracy), when it reports any. */
  readonly extras?: Readonly<Record<string, number>>;
}

export interface RunStatus {
  readonly id: string;
  readonly state: RunState;
  readonly settings: TrainSettings;
  readonly method: string | null;
  readonly seed: number | null;
  readonly episodesDone: number;
  readonly episodesTotal: number;
  readonly auditLog: string;
  /** The agents of this run's workflow at its knob values (absent until it has opened, or when they are the workflow's). */
  readonly agents?: WorkflowInfo['agents'];
  readonly error?: string;
}

/** Messages on the server-sent event stream. */
export type RunMessage =
  | { readonly type: 'status'; readonly status: RunStatus }
  | {
      readonly type: 'episode';
      readonly runId: string;
      readonly method: string;
      readonly seed: number;
      readonly episode: number;
      readonly events: readonly BatonEvent[];
      /** Each decision of the episode, explained while it was current (see `explainDecision`). */
      readonly insights: readonly DecisionInsight[];
    }
  | { readonly type: 'curves'; readonly runId: string; readonly curves: Readonly<Record<string, readonly CurvePoint[]>> };

const LIMITS = { episodes: [1, 200_000], seeds: [1, 20], checkpointEvery: [10, 50_000], sampleIntervalMs: [50, 60_000] } as const;

/** Validates a request body into settings, naming the field that is wrong. */
export function parseSettings(body: unknown, workflows: readonly PlaygroundWorkflow[]): TrainSettings {
  const b = (body ?? {}) as Record<string, unknown>;
  const wf = workflows.find((w) => w.info.id === b['workflow']);
  if (!wf) throw new UserError(`unknown workflow ${JSON.stringify(b['workflow'])}`, { field: 'workflow' });
  if (wf.info.unavailable !== undefined)
    throw new UserError(`workflow ${wf.info.id} is unavailable: ${wf.info.unavailable}`, { field: 'workflow' });
  const int = (key: keyof typeof LIMITS, fallback: number): number => {
    const v = b[key] ?? fallback;
    const [lo, hi] = LIMITS[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
      throw new UserError(`${key} must be an integer in [${lo}, ${hi}]`, { field: key });
    return v;
  };
  const knobsIn = (b['knobs'] ?? {}) as Record<string, unknown>;
  const knobs: Record<string, number> = {};
  for (const k of wf.info.knobs) {
    const v = knobsIn[k.key] ?? k.default;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < k.min || v > k.max)
      throw new UserError(`knobs.${k.key} must be a number in [${k.min}, ${k.max}]`, { field: `knobs.${k.key}` });
    knobs[k.key] = v;
  }
  const methods = (b['methods'] ?? wf.info.defaultMethods) as unknown;
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string' && wf.info.methods.includes(m))) {
    throw new UserError(`methods must be a non-empty subset of ${wf.info.methods.join(', ')}`, { field: 'methods' });
  }
  return {
    workflow: wf.info.id,
    knobs,
    methods: methods as string[],
    episodes: int('episodes', 2000),
    seeds: int('seeds', 3),
    checkpointEvery: int('checkpointEvery', 100),
    sampleIntervalMs: int('sampleIntervalMs', 400),
  };
}

/** How many sampled episodes a run keeps for late subscribers. */
export const RECENT_EPISODES = 8;

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * One training run: every method, every seed, checkpointed learning curves; pausable and stoppable between
 * episodes. Sampled episodes go to listeners and to the run's audit log.
 */
export class TrainingRun {
  readonly id: string;
  readonly settings: TrainSettings;
  readonly auditLog: string;
  private state: RunState = 'preparing';
  private method: string | null = null;
  private seed: number | null = null;
  private episodesDone = 0;
  private error: string | undefined;
  private agents: WorkflowInfo['agents'] | undefined;
  /** method -> checkpoint index -> per-seed scores. */
  private readonly scores = new Map<string, number[][]>();
  /** method -> checkpoint index -> per-seed extra figures. */
  private readonly extras = new Map<string, (Record<string, number> | undefined)[][]>(); // sparse: by seed index
  private resume: (() => void) | null = null;
  private readonly listeners = new Set<(m: RunMessage) => void>();
  /** The last few sampled episodes, so a browser that subscribes late still sees handoffs. */
  private readonly recent: Extract<RunMessage, { type: 'episode' }>[] = [];

  constructor(
    id: string,
    settings: TrainSettings,
    private readonly workflow: PlaygroundWorkflow,
    private readonly audit: AuditBackend,
    auditDir: string,
  ) {
    this.id = id;
    this.settings = settings;
    this.auditLog = `${id}.jsonl`;
    this.auditPath = join(auditDir, this.auditLog);
  }

  private readonly auditPath: string;
  private auditWriting = false;

  /** Whether the run's audit log is still being written (not yet sealed). */
  get auditOpen(): boolean {
    return this.auditWriting;
  }

  get episodesTotal(): number {
    return this.settings.methods.length * this.settings.seeds * this.settings.episodes;
  }

  status(): RunStatus {
    return {
      id: this.id,
      state: this.state,
      settings: this.settings,
      method: this.method,
      seed: this.seed,
      episodesDone: this.episodesDone,
      episodesTotal: this.episodesTotal,
      auditLog: this.auditLog,
      ...(this.agents !== undefined ? { agents: this.agents } : {}),
      ...(this.error !== undefined ? { error: this.error } : {}),
    };
  }

  curves(): Record<string, CurvePoint[]> {
    const out: Record<string, CurvePoint[]> = {};
    for (const [method, checkpoints] of this.scores) {
      out[method] = checkpoints.map((xs, k) => {
        const m = mean(xs);
        const h = ci95(xs);
        const point: CurvePoint = {
          episode: Math.min((k + 1) * this.settings.checkpointEvery, this.settings.episodes),
          mean: m,
          low: m - h,
          high: m + h,
          seeds: xs.length,
        };
        const ex = this.extras.get(method)?.[k]?.filter((x) => x !== undefined);
        if (!ex?.length) return point;
        const keys = Object.keys(ex[0] as Record<string, number>);
        return { ...point, extras: Object.fromEntries(keys.map((key) => [key, mean(ex.map((x) => x[key] ?? 0))])) };
      });
    }
    return out;
  }

  /** The most recent sampled episodes (at most `RECENT_EPISODES`), oldest first. */
  recentEpisodes(): readonly Extract<RunMessage, { type: 'episode' }>[] {
    return [...this.recent];
  }

  subscribe(listener: (m: RunMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private broadcast(m: RunMessage): void {
    for (const l of this.listeners) l(m);
  }

  private setState(state: RunState): void {
    this.state = state;
    this.broadcast({ type: 'status', status: this.status() });
  }

  /** Pauses between episodes (a no-op unless running); returns the run, for chaining. */
  pause(): this {
    if (this.state === 'running') this.setState('paused');
    return this;
  }

  resumeRun(): this {
    if (this.state !== 'paused') return this;
    this.setState('running');
    this.resume?.();
    return this;
  }

  stop(): this {
    if (this.state === 'running' || this.state === 'paused' || this.state === 'preparing') {
      this.setState('stopped');
      this.resume?.();
    }
    return this;
  }

  get finished(): boolean {
    return this.state === 'stopped' || this.state === 'done' || this.state === 'failed';
  }

  /** Waits while paused; false once stopped. */
  private async gate(): Promise<boolean> {
    while (this.state === 'paused') await new Promise<void>((resolve) => (this.resume = resolve));
    return this.state !== 'stopped';
  }

  private record(method: string, checkpoint: number, seedIndex: number, score: number, extras?: Record<string, number>): void {
    let cps = this.scores.get(method);
    if (!cps) this.scores.set(method, (cps = []));
    (cps[checkpoint] ??= [])[seedIndex] = score;
    if (extras) {
      let ecs = this.extras.get(method);
      if (!ecs) this.extras.set(method, (ecs = []));
      (ecs[checkpoint] ??= [])[seedIndex] = extras;
    }
  }

  /** Runs to completion (or stop). Never throws: failures end in state `failed`. */
  async run(): Promise<void> {
    let writer: AuditWriter | undefined;
    try {
      this.auditWriting = true;
      writer = await this.audit.createSink(this.auditPath);
      const session = await this.workflow.open(this.settings.knobs);
      this.agents = session.agents;
      if (this.state === 'stopped') return;
      this.setState('running');
      const { episodes, seeds, checkpointEvery, sampleIntervalMs } = this.settings;
      let lastSample = -Infinity;
      let lastYield = performance.now();
      for (const method of this.settings.methods) {
        this.method = method;
        for (let s = 0; s < seeds; s++) {
          this.seed = s + 1;
          this.broadcast({ type: 'status', status: this.status() });
          const learner = await session.createLearner(method, s + 1);
          const rng = new Rng((s + 1) * 100_003);
          const evaluate = async (): Promise<{ score: number; extras?: Record<string, number> }> =>
            learner.evaluate ? { ...(await learner.evaluate()) } : { score: await learner.score() };
          let fixedScore = learner.learns ? null : await evaluate();
          for (let e = 0; e < episodes; e++) {
            if (!(await this.gate())) return;
            const events: BatonEvent[] = [];
            const insights: DecisionInsight[] = [];
            const now = performance.now();
            const watch = now - lastSample >= sampleIntervalMs;
            if (watch) lastSample = now;
            await learner.runEpisode(
              rng.int(2 ** 31),
              rng,
              watch
                ? async (ev) => {
                    events.push(ev);
                    if (ev.type === 'decision') insights.push(explainDecision(learner.heads?.[ev.agent], ev));
                    await writer?.sink(ev);
                  }
                : undefined,
            );
            this.episodesDone++;
            if (watch) {
              const message = { type: 'episode', runId: this.id, method, seed: s + 1, episode: e + 1, events, insights } as const;
              this.recent.push(message);
              if (this.recent.length > RECENT_EPISODES) this.recent.shift();
              this.broadcast(message);
            }
            if ((e + 1) % checkpointEvery === 0 || e + 1 === episodes) {
              const k = Math.ceil((e + 1) / checkpointEvery) - 1;
              const ev = fixedScore ?? (await evaluate());
              this.record(method, k, s, ev.score, ev.extras);
              this.broadcast({ type: 'curves', runId: this.id, curves: this.curves() });
              this.broadcast({ type: 'status', status: this.status() });
            }
            if (performance.now() - lastYield > 15) {
              await yieldToIo();
              lastYield = performance.now();
            }
          }
          learner.dispose();
          fixedScore = null;
        }
      }
      this.method = null;
      this.seed = null;
      // Seal the log before saying done, so a browser that opens it at once sees it verified.
      const w = writer;
      writer = undefined;
      await this.closeAudit(w);
      this.setState('done');
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      this.setState('failed');
    } finally {
      await this.closeAudit(writer);
    }
  }

  private async closeAudit(writer: AuditWriter | undefined): Promise<void> {
    try {
      await writer?.close();
    } finally {
      this.auditWriting = false;
    }
  }
}
