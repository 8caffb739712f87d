import { CONTINUE, SUBMIT, handoff, handoffTarget, type Action } from './action.ts';
import { createArtifact, reviseArtifact, type Artifact } from './artifact.ts';
import { EpisodeError, UserError } from './errors.ts';
import type { BatonEvent, EventSink } from './events.ts';
import type { DecisionOutcome, HandoffHead } from './head.ts';
import type { InterfaceView, LocalState } from './interface.ts';
import { usageTokens, type Usage, type WorkResult } from './option.ts';
import { Rng } from './rng.ts';
import type { Budget, Grade, Workflow } from './workflow.ts';

export interface RuntimeConfig<T> {
  readonly workflow: Workflow<T>;
  /** One head per agent id; each head only ever sees its own agent's interface. */
  readonly heads: Readonly<Record<string, HandoffHead>>;
  /** Event consumers (audit log, progress, UI), called in order; a returned promise is awaited before the next sink and the next event. */
  readonly sinks?: readonly EventSink[];
}

export interface EpisodeOptions<T> {
  /** Seeds the episode's randomness: same seed, same workflow, same heads -> same episode. */
  readonly seed: number;
  /** The first artifact value. If omitted, the workflow must be able to build one via `input`. */
  readonly input: T;
  /** Apply learning targets (default true). Off for evaluation. */
  readonly learn?: boolean;
  /** Let heads explore (default equals `learn`). */
  readonly explore?: boolean;
  readonly episodeId?: string;
  readonly signal?: AbortSignal;
}

export interface EpisodeResult<T> {
  readonly episodeId: string;
  /** Sum over epochs of gamma^t r_t plus gamma^T R. */
  readonly return: number;
  /** The grader's R. */
  readonly terminalReward: number;
  readonly artifact: Artifact<T>;
  readonly submitter: string;
  /** Whether the budget forced the submit. */
  readonly forcedSubmit: boolean;
  readonly steps: number;
  readonly handoffs: number;
  readonly decisions: number;
  readonly duration: number;
  readonly costUsd: number;
  readonly tokens: number;
  /** Agent ids in the order they held the artifact. */
  readonly path: readonly string[];
  /** How many times each agent was jumped past by a handoff. */
  readonly skipped: Readonly<Record<string, number>>;
}

interface MutableLocal {
  consecutiveWork: number;
  workUnits: number;
  receipts: number;
}

interface PendingTarget {
  readonly agent: string;
  readonly view: InterfaceView;
  readonly action: Action;
  readonly legal: readonly Action[];
  readonly handoffId?: string;
}

interface DecisionRecord {
  readonly agent: string;
  readonly time: number;
  /** rewards.length when the decision was made: rewards from this index on come after it. */
  readonly rewardIndex: number;
  readonly view: InterfaceView;
  readonly action: Action;
  readonly legal: readonly Action[];
}

/** Throws an EpisodeError unless `value` is a finite number (rewards, durations, targets). Shared by runtimes. */
export function finite(value: number, what: string, episodeId: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new EpisodeError(`${what} is ${String(value)}; rewards and durations must be finite`, { episodeId, code: 'episode.non-finite' });
  }
  return value;
}

/** A work result's reward, duration and usage, checked: finite reward, finite non-negative duration. Shared by runtimes. */
export function checkedWork(result: WorkResult<unknown>, agent: string, episodeId: string): { reward: number; tau: number; usage: Usage } {
  const reward = finite(result.reward ?? 0, `reward from "${agent}"`, episodeId);
  const tau = finite(result.duration ?? 1, `duration from "${agent}"`, episodeId);
  if (tau < 0) throw new EpisodeError(`duration from "${agent}" is negative`, { episodeId });
  return { reward, tau, usage: result.usage ?? {} };
}

/** A grader's result, checked: a finite reward; usage and notes when the grader gave them. Shared by runtimes. */
export function checkedGrade(result: number | Grade, episodeId: string): Grade {
  if (typeof result === 'object' && result !== null) return { ...result, reward: finite(result.reward, 'grader reward', episodeId) };
  return { reward: finite(result, 'grader reward', episodeId) };
}

/** The `submit` event's grading fields: a grade's usage and notes, when present. */
export function gradeFields(grade: Grade): { usage?: Usage; notes?: Readonly<Record<string, unknown>> } {
  return { ...(grade.usage ? { usage: grade.usage } : {}), ...(grade.notes ? { notes: grade.notes } : {}) };
}

/** One unit of work's reward and the workflow time at which the work began. */
export interface TimedReward {
  readonly time: number;
  readonly reward: number;
}

/**
 * The actions open to `agentId` when the budget is not exhausted, narrowed by the agent's `mask` when an artifact is
 * given. Never empty: submit is the fallback.
 */
export function legalActionsFor<T>(workflow: Workflow<T>, agentId: string, handoffsSoFar: number, artifact?: Artifact<T>): Action[] {
  const agent = workflow.agentById.get(agentId);
  let legal: Action[] = [];
  if (agent?.canContinue !== false) legal.push(CONTINUE);
  if (handoffsSoFar < workflow.budget.maxHandoffs) for (const to of workflow.successors[agentId] ?? []) legal.push(handoff(to));
  if (agent?.canSubmit !== false || legal.length === 0) legal.push(SUBMIT);
  if (agent?.mask && artifact) {
    const open = new Set(agent.mask(artifact, legal));
    legal = legal.filter((action) => open.has(action));
    if (legal.length === 0) legal.push(SUBMIT);
  }
  return legal;
}

/** Whether the episode's budget forces the holder to submit. */
export function budgetExhausted(budget: Budget, steps: number, tokens: number, costUsd: number): boolean {
  return (
    steps >= budget.maxSteps ||
    (budget.maxTokens !== undefined && tokens >= budget.maxTokens) ||
    (budget.maxDollars !== undefined && costUsd >= budget.maxDollars)
  );
}

/**
 * The target completed at a decision epoch: u = r + gamma^tau * value(z'), times gamma^transferTime when it is the
 * scalar owed across a handoff (ICQ.md). Both runtimes use this so that they agree to the last bit.
 */
export function epochTarget(gamma: number, reward: number, tau: number, value: number, transferTime: number | undefined): number {
  const u = reward + Math.pow(gamma, tau) * value;
  return u * Math.pow(gamma, transferTime ?? 0);
}

/**
 * Discounted return-to-go of a decision made at `time`, after `rewardIndex` rewards had been earned, in an episode
 * that ended at `end` with terminal reward R. Walks backwards exactly like a single pass over the whole episode, so
 * every agent can compute its own decisions' returns from the shared reward list alone.
 */
export function returnsToGo(
  rewards: readonly TimedReward[],
  end: number,
  R: number,
  gamma: number,
): (rewardIndex: number, time: number) => number {
  // suffix[i] = [g, gTime]: the discounted return from gTime onwards, once rewards i.. are folded in.
  const g = new Float64Array(rewards.length + 1);
  const gTime = new Float64Array(rewards.length + 1);
  g[rewards.length] = R;
  gTime[rewards.length] = end;
  for (let r = rewards.length - 1; r >= 0; r--) {
    const w = rewards[r] as TimedReward;
    g[r] = w.reward + Math.pow(gamma, (gTime[r + 1] as number) - w.time) * (g[r + 1] as number);
    gTime[r] = w.time;
  }
  return (rewardIndex, time) => Math.pow(gamma, (gTime[rewardIndex] as number) - time) * (g[rewardIndex] as number);
}

/**
 * The embedded runtime: runs episodes in this process. Each epoch: the holder works (duration tau, reward r),
 * reaches a decision epoch, completes whichever targets were waiting for its interface (its own `continue`, or the
 * scalar it owes its sender), and its head decides. Only the scalar crosses from receiver to sender.
 */
export class InProcessRuntime<T> {
  readonly workflow: Workflow<T>;
  private readonly heads: Readonly<Record<string, HandoffHead>>;
  private readonly sinks: readonly EventSink[];
  /** Position of each agent in `workflow.order`, so skip accounting costs O(skipped) per handoff, not O(agents). */
  private readonly orderIndex: ReadonlyMap<string, number>;
  private episodeCounter = 0;

  constructor(config: RuntimeConfig<T>) {
    this.workflow = config.workflow;
    for (const agent of config.workflow.agents) {
      if (!config.heads[agent.id]) throw new UserError(`no head for agent "${agent.id}"`, { field: `heads.${agent.id}` });
    }
    this.heads = config.heads;
    this.sinks = config.sinks ?? [];
    this.orderIndex = new Map(config.workflow.order.map((id, i) => [id, i]));
  }

  /** Runs one episode to its submit. */
  async runEpisode(options: EpisodeOptions<T>): Promise<EpisodeResult<T>> {
    const wf = this.workflow;
    const learn = options.learn ?? true;
    const explore = options.explore ?? learn;
    const episodeId = options.episodeId ?? `${wf.name}-${options.seed.toString(16)}-${++this.episodeCounter}`;
    const rng = new Rng(options.seed);
    const rand = (): number => rng.next();
    const emitting = this.sinks.length > 0;
    const gamma = wf.discount;
    const budget = wf.budget;

    let artifact = createArtifact(wf.artifact, options.input);
    let holder = wf.entry;
    const locals = new Map<string, MutableLocal>();
    const localOf = (id: string): MutableLocal => {
      let l = locals.get(id);
      if (!l) locals.set(id, (l = { consecutiveWork: 0, workUnits: 0, receipts: 0 }));
      return l;
    };
    localOf(holder).receipts = 1;

    let time = 0;
    let steps = 0;
    let handoffs = 0;
    let decisions = 0;
    let tokens = 0;
    let costUsd = 0;
    let discounted = 0;
    const path = [holder];
    const skipped: Record<string, number> = {};
    const rewards: TimedReward[] = [];
    const decisionLog: DecisionRecord[] = [];
    let pending: PendingTarget | undefined;
    /** A sink's promise, when one returned one; synchronous sinks cost no await. */
    let sent: Promise<void> | undefined;

    if (
      emitting &&
      (sent = this.emit({
        type: 'episode-start',
        episodeId,
        time,
        workflow: wf.name,
        entry: holder,
        seed: options.seed,
        artifactHash: artifact.hash,
        learn,
        explore,
      }))
    )
      await sent;

    for (;;) {
      const agent = wf.agentById.get(holder);
      const head = this.heads[holder];
      if (!agent || !head) throw new EpisodeError(`artifact reached unknown agent "${holder}"`, { episodeId });
      const local = localOf(holder);
      const localView = (): LocalState => ({
        ...local,
        stepsLeft: budget.maxSteps - steps,
        handoffsLeft: budget.maxHandoffs - handoffs,
      });

      // Work.
      const before = artifact;
      if (emitting && (sent = this.emit({ type: 'work-start', episodeId, time, agent: holder, artifactHash: before.hash }))) await sent;
      let result;
      try {
        const ctx = { agentId: holder, episodeId, local: localView(), rng, ...(options.signal ? { signal: options.signal } : {}) };
        result = await agent.work(artifact, ctx);
      } catch (error) {
        if (emitting) await this.emitError(episodeId, time, holder, error);
        throw error;
      }
      const { reward, tau, usage } = checkedWork(result, holder, episodeId);
      if (result.value !== undefined) artifact = reviseArtifact(wf.artifact, artifact, result.value, holder);
      tokens += usageTokens(usage);
      costUsd += usage.costUsd ?? 0;
      rewards.push({ time, reward });
      discounted += Math.pow(gamma, time) * reward;
      steps += 1;
      local.consecutiveWork += 1;
      local.workUnits += 1;
      if (emitting) {
        if (
          (sent = this.emit({
            type: 'work-end',
            episodeId,
            time,
            agent: holder,
            artifactHashBefore: before.hash,
            artifactHashAfter: artifact.hash,
            reward,
            duration: tau,
            usage,
            ...(result.notes ? { notes: result.notes } : {}),
          }))
        )
          await sent;
      }
      time += tau;

      // Decision epoch: the holder's interface.
      const view: InterfaceView = {
        projection: agent.interface.project(artifact, rand),
        privateState: agent.interface.privateState?.(localView()) ?? {},
      };
      const exhausted = budgetExhausted(budget, steps, tokens, costUsd);
      const legal = exhausted ? [SUBMIT] : legalActionsFor(wf, holder, handoffs, artifact);

      // Targets that were waiting for this interface: the scalar owed to a sender, or the holder's own continue.
      if (learn && pending) {
        const value = head.value(view, legal);
        const target = finite(
          epochTarget(gamma, reward, tau, value, pending.handoffId ? wf.transferTime : 0),
          `target for "${pending.agent}"`,
          episodeId,
        );
        if (pending.handoffId && emitting) {
          if (
            (sent = this.emit({
              type: 'scalar-return',
              episodeId,
              time,
              handoffId: pending.handoffId,
              from: holder,
              to: pending.agent,
              scalar: target,
            }))
          )
            await sent;
        }
        this.heads[pending.agent]?.learn({ view: pending.view, action: pending.action, target, legal: pending.legal });
      }

      const decision = head.decide(view, legal, { rng, explore });
      decisions += 1;
      if (!legal.includes(decision.action)) {
        throw new EpisodeError(`head of "${holder}" chose illegal action ${decision.action}`, {
          episodeId,
          code: 'episode.illegal-action',
        });
      }
      decisionLog.push({ agent: holder, time, rewardIndex: rewards.length, view, action: decision.action, legal });
      if (emitting) {
        if (
          (sent = this.emit({
            type: 'decision',
            episodeId,
            time,
            agent: holder,
            view,
            legal,
            qValues: decision.qValues,
            action: decision.action,
            explored: decision.explored,
            artifactHash: artifact.hash,
          }))
        )
          await sent;
      }

      if (decision.action === SUBMIT) {
        const grade = checkedGrade(await wf.grader(artifact), episodeId);
        const R = grade.reward;
        tokens += usageTokens(grade.usage);
        costUsd += grade.usage?.costUsd ?? 0;
        discounted += Math.pow(gamma, time) * R;
        if (learn) head.learn({ view, action: SUBMIT, target: R, legal });
        if (emitting) {
          if (
            (sent = this.emit({
              type: 'submit',
              episodeId,
              time,
              agent: holder,
              artifactHash: artifact.hash,
              reward: R,
              forced: exhausted,
              ...gradeFields(grade),
            }))
          )
            await sent;
          if (
            (sent = this.emit({
              type: 'episode-end',
              episodeId,
              time,
              return: discounted,
              terminalReward: R,
              steps,
              handoffs,
              costUsd,
              tokens,
            }))
          )
            await sent;
        }
        if (learn) this.finishEpisode(decisionLog, rewards, time, R);
        return {
          episodeId,
          return: discounted,
          terminalReward: R,
          artifact,
          submitter: holder,
          forcedSubmit: exhausted,
          steps,
          handoffs,
          decisions,
          duration: time,
          costUsd,
          tokens,
          path,
          skipped,
        };
      }

      if (decision.action === CONTINUE) {
        pending = { agent: holder, view, action: CONTINUE, legal };
        continue;
      }

      const to = handoffTarget(decision.action) as string;
      const handoffId = `${episodeId}/h${handoffs}`;
      const jumped = this.skipped(holder, to);
      for (const id of jumped) skipped[id] = (skipped[id] ?? 0) + 1;
      pending = { agent: holder, view, action: decision.action, legal, handoffId };
      handoffs += 1;
      if (
        emitting &&
        (sent = this.emit({ type: 'handoff', episodeId, time, handoffId, from: holder, to, artifactHash: artifact.hash, skipped: jumped }))
      )
        await sent;
      time += wf.transferTime;
      holder = to;
      path.push(to);
      const next = localOf(to);
      next.consecutiveWork = 0;
      next.receipts += 1;
    }
  }

  /** The actions open to `agent` when the budget is not exhausted. Never empty: submit is the fallback. */
  legalActions(agentId: string, handoffsSoFar: number): Action[] {
    return legalActionsFor(this.workflow, agentId, handoffsSoFar);
  }

  /** Same as `skippedBy(workflow.order, from, to)`, through the precomputed index. */
  private skipped(from: string, to: string): string[] {
    const i = this.orderIndex.get(from);
    const j = this.orderIndex.get(to);
    return i !== undefined && j !== undefined && j > i + 1 ? this.workflow.order.slice(i + 1, j) : [];
  }

  private finishEpisode(log: readonly DecisionRecord[], rewards: readonly TimedReward[], end: number, R: number): void {
    const byAgent = new Map<string, DecisionOutcome[]>();
    const returnToGo = returnsToGo(rewards, end, R, this.workflow.discount);
    for (let d = log.length - 1; d >= 0; d--) {
      const rec = log[d] as DecisionRecord;
      const list = byAgent.get(rec.agent) ?? [];
      list.push({ view: rec.view, action: rec.action, legal: rec.legal, returnToGo: returnToGo(rec.rewardIndex, rec.time) });
      byAgent.set(rec.agent, list);
    }
    for (const [agentId, outcomes] of byAgent) this.heads[agentId]?.endEpisode?.(outcomes.reverse());
  }

  /**
   * Hands `event` to every sink in order. Synchronous sinks cost a plain call: a promise is only created (and only
   * awaited) when a sink returns one, and then the remaining sinks run after it settles, so order is kept.
   */
  private emit(event: BatonEvent): Promise<void> | undefined {
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) {
      const result = (sinks[i] as EventSink)(event);
      if (result !== undefined && typeof (result as Promise<void>).then === 'function') return this.emitRest(event, i + 1, result);
    }
    return undefined;
  }

  private async emitRest(event: BatonEvent, from: number, first: Promise<void>): Promise<void> {
    await first;
    for (let i = from; i < this.sinks.length; i++) await (this.sinks[i] as EventSink)(event);
  }

  private async emitError(episodeId: string, time: number, agent: string, error: unknown): Promise<void> {
    const code = typeof error === 'object' && error && 'code' in error ? String((error as { code: unknown }).code) : 'error';
    const message = error instanceof Error ? error.message : String(error);
    await this.emit({ type: 'error', episodeId, time, agent, code, message });
  }
}
