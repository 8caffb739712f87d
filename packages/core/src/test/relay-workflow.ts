import { z } from 'zod';
import type { Action } from '../action.ts';
import type { Decision, DecideContext, HandoffHead } from '../head.ts';
import type { InterfaceView } from '../interface.ts';
import type { AgentOption } from '../option.ts';
import { InProcessRuntime } from '../runtime.ts';
import type { EventSink } from '../events.ts';
import { defineWorkflow, type Workflow } from '../workflow.ts';

/** The artifact of the relay workflow: a counter and the last author's note. */
export interface RelayDraft {
  readonly n: number;
  readonly note: string;
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

function relayAgent(id: string, index: number): AgentOption<RelayDraft> {
  return {
    id,
    interface: {
      projectionKeys: ['n', 'mine'],
      privateKeys: ['workUnits'],
      project: (artifact) => ({ n: artifact.value.n, mine: artifact.author === id ? 1 : 0 }),
      privateState: (local) => ({ workUnits: local.workUnits }),
    },
    work: (artifact, ctx) => {
      const inputTokens = 100 + ctx.rng.int(400);
      const outputTokens = 20 + ctx.rng.int(200);
      return {
        value: { n: artifact.value.n + 1, note: `${id} step ${artifact.value.n}` },
        reward: -0.01,
        duration: 1,
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
 * A three-agent relay (solver -> verifier -> critic, with a skip solver -> critic) whose work is a pure counter and
 * whose heads are seeded: the fixture audit tests, benches and demos run to produce realistic logs.
 */
export function relayWorkflow(): Workflow<RelayDraft> {
  return defineWorkflow<RelayDraft>({
    name: 'relay',
    artifact: z.object({ n: z.number(), note: z.string() }),
    agents: [relayAgent('solver', 0), relayAgent('verifier', 1), relayAgent('critic', 2)],
    entry: 'solver',
    successors: { solver: ['verifier', 'critic'], verifier: ['solver', 'critic'], critic: ['solver'] },
    grader: (artifact) => (artifact.value.n % 3 === 0 ? 1 : 0),
    budget: { maxSteps: 12, maxHandoffs: 6 },
  });
}

/** An InProcessRuntime over `relayWorkflow` with seeded random heads and the given sinks. */
export function relayRuntime(sinks: readonly EventSink[] = []): InProcessRuntime<RelayDraft> {
  const workflow = relayWorkflow();
  const heads = Object.fromEntries(workflow.agents.map((agent) => [agent.id, new SeededRandomHead()]));
  return new InProcessRuntime({ workflow, heads, sinks });
}
