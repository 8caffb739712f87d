import { CONTINUE, SUBMIT, handoffTarget, type Action } from '../action.ts';
import { reviseArtifact, type Artifact } from '../artifact.ts';
import { EpisodeError } from '../errors.ts';
import type { BatonEvent } from '../events.ts';
import type { DecideContext, Decision, DecisionOutcome, HandoffHead } from '../head.ts';
import type { BudgetLeft, InterfaceView, LocalState } from '../interface.ts';
import { usageTokens, type AgentOption, type WorkContext, type WorkResult } from '../option.ts';
import type { Rng } from '../rng.ts';
import type { Grade, Workflow } from '../workflow.ts';
import { budgetExhausted, checkedWork, epochTarget, finite, gradeFields, legalFromTable, NO_USAGE, returnToGo } from './checks.ts';
import { agentTableOf, jumpedBy, ONLY_SUBMIT, skippedBetween, type AgentTable } from './tables.ts';

type WorkEndEvent = Extract<BatonEvent, { type: 'work-end' }>;

/**
 * The episode's public bookkeeping. It travels with the artifact from holder to holder (in-process: one object; on
 * BullMQ: inside the job), so the holder can enforce the budget; no agent's private state is in it.
 */
export interface EpisodeBook {
  time: number;
  steps: number;
  handoffs: number;
  decisions: number;
  tokens: number;
  costUsd: number;
  /** Sum over the work so far of gamma^t r_t (plus gamma^T R once graded). */
  discounted: number;
}

export function newBook(): EpisodeBook {
  return { time: 0, steps: 0, handoffs: 0, decisions: 0, tokens: 0, costUsd: 0, discounted: 0 };
}

/** One agent's own counters for one episode (LocalState is its read-only face). */
export interface AgentLedger {
  consecutiveWork: number;
  workUnits: number;
  receipts: number;
}

export function newLedger(receipts = 0): AgentLedger {
  return { consecutiveWork: 0, workUnits: 0, receipts };
}

/** A target waiting for the next interface: the holder's own continue, or the scalar the receiver of a handoff owes. */
export interface PendingTarget {
  /** Who learns from it (the sender, for a handoff). */
  readonly agent: string;
  readonly view: InterfaceView;
  readonly action: Action;
  readonly legal: readonly Action[];
  /** Set for a handoff: the scalar that completes it is discounted by the transfer time and logged. */
  readonly handoffId?: string;
}

/** One decision of an agent, kept (by that agent only) until the episode ends, for endEpisode's returns-to-go. */
export interface DecisionRecord {
  readonly time: number;
  /** The episode's discounted return when the decision was made (every reward before it). */
  readonly discounted: number;
  readonly view: InterfaceView;
  readonly action: Action;
  readonly legal: readonly Action[];
}

/** What stays fixed for one episode while a driver (in-process or a worker) runs its epochs. */
export interface EpisodeRun<T> {
  readonly workflow: Workflow<T>;
  readonly episodeId: string;
  readonly rng: Rng;
  /** `() => rng.next()`, made once per episode (interfaces that blur on purpose draw from it). */
  readonly rand: () => number;
  readonly learn: boolean;
  readonly explore: boolean;
  /** `{ rng, explore }`, made once per episode: what every head's decide receives. */
  readonly decide: DecideContext;
  readonly book: EpisodeBook;
  /** Where the epoch appends its events, in order, for the driver to hand to its sinks; undefined: nobody listens, no event is built. */
  readonly events: BatonEvent[] | undefined;
  /** Delivers the scalar a receiver owes its sender: in-process the sender's head learns it; on BullMQ it goes to the sender's inbox. */
  readonly sendScalar: (to: PendingTarget, scalar: number) => void;
  readonly signal?: AbortSignal | undefined;
}

/** The holder of one epoch: its option, its head and its own counters. */
export interface Holder<T> {
  readonly agent: AgentOption<T>;
  readonly head: HandoffHead;
  readonly ledger: AgentLedger;
  /** The agent's row of the workflow's tables, when the driver has it at hand (else the epoch looks it up). */
  readonly table?: AgentTable;
}

/** How an epoch ended: the artifact as it now is, what the head saw and chose, and where the baton goes next. */
export interface EpochOutcome<T> {
  readonly artifact: Artifact<T>;
  readonly view: InterfaceView;
  readonly legal: readonly Action[];
  readonly decision: Decision;
  /** Whether the budget forced this decision to be submit. */
  readonly exhausted: boolean;
  /** The target the next epoch completes (continue, handoff); undefined for submit. */
  readonly pending: PendingTarget | undefined;
  /** The next holder, on a handoff. */
  readonly to: string | undefined;
  /** The agents that handoff jumped past in the workflow's order (skip accounting). */
  readonly skipped: readonly string[];
  /** This decision as the holder keeps it for endEpisode (time and return at the decision, before any transfer). */
  readonly record: DecisionRecord;
}

export function budgetLeft<T>(workflow: Workflow<T>, book: EpisodeBook): BudgetLeft {
  return { steps: workflow.budget.maxSteps - book.steps, handoffs: workflow.budget.maxHandoffs - book.handoffs };
}

/** What `work` receives. The ledger is copied: work that outlives the epoch never sees later counts. */
export function workContext<T>(run: EpisodeRun<T>, holder: Holder<T>): WorkContext {
  const { consecutiveWork, workUnits, receipts } = holder.ledger;
  const local = { consecutiveWork, workUnits, receipts };
  const budget = budgetLeft(run.workflow, run.book);
  return run.signal
    ? { agentId: holder.agent.id, episodeId: run.episodeId, local, budget, rng: run.rng, signal: run.signal }
    : { agentId: holder.agent.id, episodeId: run.episodeId, local, budget, rng: run.rng };
}

/** Throws the typed error of a cancelled episode if `signal` is aborted. */
export function checkAborted(signal: AbortSignal | undefined, episodeId: string): void {
  if (signal?.aborted) throw new EpisodeError('episode aborted', { episodeId, code: 'episode.aborted', cause: signal.reason });
}

/**
 * The one epoch step both runtimes drive, from a finished unit of work to where the baton goes next: checks the
 * work, revises the artifact, updates the bookkeeping, builds the holder's interface view and legal set, completes
 * the target waiting for this view (the holder's own continue is learned here; a sender's scalar goes to
 * `run.sendScalar`), lets the head decide and, on a handoff, moves the baton. Synchronous and free of I/O: the
 * driver does the work before it and the grading after it (`settleSubmit`).
 */
export function decisionEpoch<T>(
  run: EpisodeRun<T>,
  holder: Holder<T>,
  before: Artifact<T>,
  result: WorkResult<T>,
  pending: PendingTarget | undefined,
): EpochOutcome<T> {
  const { workflow, book, episodeId, events } = run;
  const id = holder.agent.id;
  const gamma = workflow.discount;
  const { reward, tau, usage } = checkedWork(result, id, episodeId);
  const artifact = result.value !== undefined ? reviseArtifact(workflow.artifact, before, result.value, id) : before;
  // Work that reported no usage adds 0 tokens and 0 dollars (the sums start at +0, so never -0): nothing to add.
  if (usage !== NO_USAGE) {
    book.tokens += usageTokens(usage);
    book.costUsd += usage.costUsd ?? 0;
  }
  // A reward of 0 adds 0 (the return starts at +0, so never -0): no power to take.
  if (reward !== 0) book.discounted += Math.pow(gamma, book.time) * reward;
  book.steps += 1;
  const ledger = holder.ledger;
  ledger.consecutiveWork += 1;
  ledger.workUnits += 1;
  if (events) {
    const ended: WorkEndEvent = {
      type: 'work-end',
      episodeId,
      time: book.time,
      agent: id,
      artifactHashBefore: before.hash,
      artifactHashAfter: artifact.hash,
      reward,
      duration: tau,
      usage,
    };
    events.push(result.notes ? { ...ended, notes: result.notes } : ended);
  }
  book.time += tau;

  // Decision epoch: the holder's interface.
  const local: LocalState = ledger;
  const iface = holder.agent.interface;
  const view: InterfaceView = {
    projection: iface.project(artifact, run.rand),
    privateState: iface.privateState?.(local, budgetLeft(workflow, book)) ?? NO_FEATURES,
  };
  const exhausted = budgetExhausted(workflow.budget, book.steps, book.tokens, book.costUsd);
  const table = holder.table ?? agentTableOf(workflow, id);
  const legal = exhausted ? ONLY_SUBMIT : legalFromTable(workflow, table, book.handoffs, artifact);
  const head = holder.head;

  // The target that was waiting for this interface: the scalar owed to a sender, or the holder's own continue.
  if (run.learn && pending) {
    const value = head.value(view, legal);
    const transfer = pending.handoffId ? workflow.transferTime : 0;
    const target = epochTarget(gamma, reward, tau, value, transfer);
    if (!Number.isFinite(target)) finite(target, `target for "${pending.agent}"`, episodeId);
    if (pending.handoffId) {
      events?.push({
        type: 'scalar-return',
        episodeId,
        time: book.time,
        handoffId: pending.handoffId,
        from: id,
        to: pending.agent,
        scalar: target,
      });
      run.sendScalar(pending, target);
    } else
      head.learn({
        view: pending.view,
        action: pending.action,
        target,
        legal: pending.legal,
        bootstrap: { reward, discount: Math.pow(gamma, tau), view, legal },
      });
  }

  const decision = head.decide(view, legal, run.decide);
  book.decisions += 1;
  const chosen = indexOf(legal, decision.action);
  if (chosen < 0)
    throw new EpisodeError(`head of "${id}" chose illegal action ${decision.action}`, { episodeId, code: 'episode.illegal-action' });
  events?.push({
    type: 'decision',
    episodeId,
    time: book.time,
    agent: id,
    view,
    legal,
    qValues: decision.qValues,
    action: decision.action,
    explored: decision.explored,
    artifactHash: artifact.hash,
  });

  const action = decision.action;
  const kept: DecisionRecord = { time: book.time, discounted: book.discounted, view, action, legal };
  if (action === SUBMIT)
    return { artifact, view, legal, decision, exhausted, record: kept, pending: undefined, to: undefined, skipped: NONE };
  if (action === CONTINUE) {
    const own: PendingTarget = { agent: id, view, action, legal };
    return { artifact, view, legal, decision, exhausted, record: kept, pending: own, to: undefined, skipped: NONE };
  }
  // An unmasked set's handoffs were resolved when the workflow was defined: the target's id and place in the order.
  const resolved = legal === table.open;
  const to = resolved ? (table.targets[chosen] as string) : (handoffTarget(action) as string);
  const handoffId = `${episodeId}/h${book.handoffs}`;
  const skipped = resolved ? skippedBetween(workflow, table.position, table.targetPositions[chosen]) : jumpedBy(workflow, id, to);
  book.handoffs += 1;
  events?.push({ type: 'handoff', episodeId, time: book.time, handoffId, from: id, to, artifactHash: artifact.hash, skipped });
  book.time += workflow.transferTime;
  const owed: PendingTarget = { agent: id, view, action, legal, handoffId };
  return { artifact, view, legal, decision, exhausted, record: kept, pending: owed, to, skipped };
}

/** Where `action` is in `legal` (-1 if it is not): a plain loop, legal sets are a few actions long. */
function indexOf(legal: readonly Action[], action: Action): number {
  for (let i = 0; i < legal.length; i++) if (legal[i] === action) return i;
  return -1;
}

const NONE: readonly string[] = Object.freeze([]);
/** The private state of an interface that exposes none (shared, frozen). */
const NO_FEATURES = Object.freeze({});

/**
 * After a submit and its grade: the submitter learns R, the episode's return is completed, and the `submit` and
 * `episode-end` events are recorded. Returns R.
 */
export function settleSubmit<T>(run: EpisodeRun<T>, holder: Holder<T>, epoch: EpochOutcome<T>, grade: Grade): number {
  const { book, episodeId } = run;
  const R = grade.reward;
  book.tokens += usageTokens(grade.usage);
  book.costUsd += grade.usage?.costUsd ?? 0;
  book.discounted += Math.pow(run.workflow.discount, book.time) * R;
  if (run.learn) holder.head.learn({ view: epoch.view, action: SUBMIT, target: R, legal: epoch.legal });
  const id = holder.agent.id;
  run.events?.push({
    type: 'submit',
    episodeId,
    time: book.time,
    agent: id,
    artifactHash: epoch.artifact.hash,
    reward: R,
    forced: epoch.exhausted,
    ...gradeFields(grade),
  });
  run.events?.push({
    type: 'episode-end',
    episodeId,
    time: book.time,
    return: book.discounted,
    terminalReward: R,
    steps: book.steps,
    handoffs: book.handoffs,
    costUsd: book.costUsd,
    tokens: book.tokens,
  });
  return R;
}

/** One agent's decisions of a finished episode with their returns-to-go, for its head's endEpisode. */
export function episodeOutcomes(records: readonly DecisionRecord[], finalReturn: number, gamma: number): DecisionOutcome[] {
  const outcomes = new Array<DecisionOutcome>(records.length);
  for (let i = 0; i < records.length; i++) {
    const d = records[i] as DecisionRecord;
    outcomes[i] = { view: d.view, action: d.action, legal: d.legal, returnToGo: returnToGo(finalReturn, d.discounted, d.time, gamma) };
  }
  return outcomes;
}
