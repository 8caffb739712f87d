import { z } from 'zod';
import type { Action } from '../action.ts';
import type { Decision, DecideContext, HandoffHead } from '../head.ts';
import type { InterfaceView } from '../interface.ts';
import type { Artifact } from '../artifact.ts';
import type { AgentOption } from '../option.ts';
import { InProcessRuntime } from '../runtime.ts';
import type { EventSink } from '../events.ts';
import { defineWorkflow, type Workflow } from '../workflow.ts';

/** The artifact of the relay workflow: how far the draft has come and how much of it has been checked. */
export interface RelayDraft {
  readonly progress: number;
  readonly quality: number;
}

const MODELS = ['gpt-4o-mini', 'claude-haiku-4-5', 'llama-3.1-8b'] as const;

/**
 * A head that draws its Q-values from the episode's seeded rng and acts epsilon-greedily on them, so that audit
 * logs carry real-looking Q-values and exploration flags without a learner.
 */
export class SeededRandomHead implements HandoffHead {
  readonly kind = 'seeded-random';

  constructor(private readonly epsilon = 0.2) {}

  decide(_view: InterfaceView, legal: readonly Action[], ctx: DecideContext): Decision {
    const qValues: Partial<Record<Action, number>> = {};
    let best = legal[0] as Action;
    let bestQ = -Infinity;
    for (const action of legal) {
      const q = Math.round(ctx.rng.next() * 1000) / 1000;
      qValues[action] = q;
      if (q > bestQ) {
        best = action;
        bestQ = q;
      }
    }
    const explored = ctx.explore && ctx.rng.next() < this.epsilon;
    return { action: explored ? ctx.rng.pick(legal) : best, qValues, explored };
  }

  value(): number {
    return 0.5;
  }

  learn(): void {}

  toJSON(): unknown {
    return { kind: this.kind, epsilon: this.epsilon };
  }
}

function relayAgent(
  id: string,
  index: number,
  work: (x: Artifact<RelayDraft>, u: number) => RelayDraft,
  features: (x: RelayDraft) => Record<string, number>,
): AgentOption<RelayDraft> {
  return {
    id,
    interface: {
      projectionKeys: Object.keys(features({ progress: 0, quality: 0 })),
      privateKeys: ['consecutive'],
      project: (x) => features(x.value),
      privateState: (local) => ({ consecutive: Math.min(local.consecutiveWork, 2) }),
    },
    work: (x, ctx) => {
      const value = work(x, ctx.rng.next());
      const inputTokens = 100 + ctx.rng.int(400);
      const outputTokens = 20 + ctx.rng.int(200);
      return {
        value,
        reward: -0.02,
        duration: 1 + ctx.rng.int(2),
        usage: {
          inputTokens,
          outputTokens,
          model: MODELS[index % MODELS.length] as string,
          costUsd: (inputTokens * 0.15 + outputTokens * 0.6) / 1e6,
          latencyMs: 200 + ctx.rng.int(800),
        },
      };
    },
  };
}

/**
 * The relay: three agents improve a draft (a drafter, a checker, a polisher, with a skip draft -> polish) and learn
 * when to hand off. Work is a pure function of the episode seed, with made-up token counts, models and dollars, so
 * the in-process and BullMQ runtimes must agree decision for decision and audit logs look like real ones. Tests,
 * benches and `baton run relay` run it.
 */
export function relayWorkflow(options: { maxSteps?: number; maxHandoffs?: number } = {}): Workflow<RelayDraft> {
  return defineWorkflow<RelayDraft>({
    name: 'relay',
    artifact: z.object({ progress: z.number().int(), quality: z.number().int() }),
    agents: [
      relayAgent(
        'draft',
        0,
        (x, u) => ({ ...x.value, progress: x.value.progress + (u < 0.7 ? 1 : 0) }),
        (x) => ({ progress: Math.min(x.progress, 3) }),
      ),
      relayAgent(
        'check',
        1,
        (x, u) => ({ ...x.value, quality: x.value.quality + (x.value.progress > x.value.quality && u < 0.6 ? 1 : 0) }),
        (x) => ({ gap: Math.sign(x.progress - x.quality) + 1 }),
      ),
      relayAgent(
        'polish',
        2,
        (x) => ({ ...x.value }),
        (x) => ({ ready: x.progress >= 2 && x.quality >= 2 ? 1 : 0 }),
      ),
    ],
    entry: 'draft',
    successors: { draft: ['check', 'polish'], check: ['draft', 'polish'], polish: ['check'] },
    grader: (x) => (x.value.progress >= 2 && x.value.quality >= 2 ? 1 : 0),
    budget: { maxSteps: options.maxSteps ?? 12, maxHandoffs: options.maxHandoffs ?? 8 },
    discount: 0.97,
    transferTime: 0.5,
  });
}

/** The relay's first artifact value. */
export function relayInput(): RelayDraft {
  return { progress: 0, quality: 0 };
}

/** An InProcessRuntime over `relayWorkflow` with seeded random heads and the given sinks. */
export function relayRuntime(sinks: readonly EventSink[] = []): InProcessRuntime<RelayDraft> {
  const workflow = relayWorkflow();
  const heads = Object.fromEntries(workflow.agents.map((agent) => [agent.id, new SeededRandomHead()]));
  return new InProcessRuntime({ workflow, heads, sinks });
}
