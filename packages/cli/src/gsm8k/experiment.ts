import { recordedLabel, type ReplayDataset } from '@baton/adapters';
import { CASCADE_LEARNING, QUESTION_ONLY_FEATURES, createMathRouting, labelGrader, newMathDraft, type MathDraft } from '@baton/agents';
import { InProcessRuntime, Rng, type Action, type BatonEvent, type HandoffHead, type ModelAdapter } from '@baton/core';
import { LinearIcqHead, withActionOffsets } from '@baton/learner';

export interface TrainOptions {
  readonly epochs: number;
  readonly seed: number;
  /** Reward units per dollar. */
  readonly costWeight: number;
  readonly onEpisode?: () => void;
}

const STRONG: Action = 'handoff:strong';

/** Trains heads through the runtime's IC-Q targets on `prompts`, `epochs` passes in seeded random order. */
export async function trainHeads(runtime: InProcessRuntime<MathDraft>, prompts: readonly string[], options: TrainOptions): Promise<void> {
  const rng = new Rng(options.seed);
  const order = [...prompts];
  let episodes = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j] as string, order[i] as string];
    }
    for (const prompt of order) {
      await runtime.runEpisode({ seed: rng.int(2 ** 31), input: newMathDraft(prompt), learn: true });
      options.onEpisode?.();
      // Replayed work resolves synchronously; let timers (the progress bar, signals) run now and then.
      if (++episodes % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/**
 * A prompt's escalation score under trained heads: the largest decision-time cost offset on `handoff:strong` at
 * which the greedy episode would still reach the strong solver. Read from the Q-values the heads report.
 */
export async function escalationScores(
  runtime: InProcessRuntime<MathDraft>,
  heads: Record<string, HandoffHead>,
  prompts: readonly string[],
): Promise<number[]> {
  const scores: number[] = [];
  let current = -Infinity;
  const sink = (e: BatonEvent): void => {
    if (e.type !== 'decision') return;
    const q = e.qValues;
    const strong = q[STRONG];
    if (strong === undefined) return;
    let rest = -Infinity;
    for (const [a, v] of Object.entries(q)) if (a !== STRONG && v !== undefined) rest = Math.max(rest, v);
    current = Math.max(current, strong - rest);
  };
  const blocked = Object.fromEntries(Object.entries(heads).map(([id, h]) => [id, withActionOffsets(h, { [STRONG]: Infinity })]));
  const probe = new InProcessRuntime({ workflow: runtime.workflow, heads: blocked, sinks: [sink] });
  for (const prompt of prompts) {
    current = -Infinity;
    await probe.runEpisode({ seed: 1, input: newMathDraft(prompt), learn: false });
    scores.push(current);
  }
  return scores;
}

/** Runs greedy episodes with a decision-time cost offset on `handoff:strong`; returns correct, escalations, dollars. */
export async function evaluateAtOffset(
  workflow: InProcessRuntime<MathDraft>['workflow'],
  heads: Record<string, HandoffHead>,
  prompts: readonly string[],
  offset: number,
) {
  const shifted = Object.fromEntries(Object.entries(heads).map(([id, h]) => [id, withActionOffsets(h, { [STRONG]: offset })]));
  const runtime = new InProcessRuntime({ workflow, heads: shifted });
  let correct = 0;
  let strong = 0;
  let dollars = 0;
  for (const prompt of prompts) {
    const r = await runtime.runEpisode({ seed: 1, input: newMathDraft(prompt), learn: false });
    correct += r.terminalReward;
    if (r.path.includes('strong')) strong += 1;
    dollars += r.costUsd;
  }
  return { correct, strong, dollars };
}

export function routingWorkflow(dataset: ReplayDataset, models: { weak: ModelAdapter; strong: ModelAdapter }, costWeight: number) {
  return createMathRouting({
    solvers: [
      { id: 'weak', model: models.weak },
      { id: 'strong', model: models.strong },
    ],
    grader: labelGrader(recordedLabel(dataset)),
    costWeight,
    dispatcherFeatures: QUESTION_ONLY_FEATURES,
  });
}

export function newRoutingHeads(wf: ReturnType<typeof routingWorkflow>): Record<string, LinearIcqHead> {
  const keys = (id: string): readonly string[] => wf.agentById.get(id)?.interface.projectionKeys ?? [];
  return {
    dispatcher: new LinearIcqHead({ actions: ['handoff:weak', STRONG], projectionKeys: keys('dispatcher'), ...CASCADE_LEARNING }),
    weak: new LinearIcqHead({ actions: ['submit'], projectionKeys: keys('weak'), ...CASCADE_LEARNING }),
    strong: new LinearIcqHead({ actions: ['submit'], projectionKeys: keys('strong'), ...CASCADE_LEARNING }),
  };
}
