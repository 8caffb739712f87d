import { z } from 'zod';
import { defineWorkflow, type AgentOption, type Artifact } from '@baton/core';
import { TabularIcqHead } from '@baton/learner';
import type { WorkflowDefinition } from '../bullmq/protocol.ts';

const icqHeads = {
  createHead: () => new TabularIcqHead({ exploration: { type: 'epsilon', start: 0.3, end: 0.05, halfLife: 200 }, initialQ: 0.5 }),
  loadHead: (_agentId: string, snapshot: unknown) => TabularIcqHead.fromJSON(snapshot),
};

const draftSchema = z.object({ progress: z.number().int(), quality: z.number().int() });
type Draft = z.infer<typeof draftSchema>;

function relayAgent(
  id: string,
  work: (x: Artifact<Draft>, u: number) => Draft,
  features: (x: Draft) => Record<string, number>,
): AgentOption<Draft> {
  return {
    id,
    interface: {
      projectionKeys: Object.keys(features({ progress: 0, quality: 0 })),
      privateKeys: ['consecutive'],
      project: (x) => features(x.value),
      privateState: (local) => ({ consecutive: Math.min(local.consecutiveWork, 2) }),
    },
    work: (x, ctx) => ({ value: work(x, ctx.rng.next()), reward: -0.02, duration: 1 + ctx.rng.int(2) }),
  };
}

/**
 * `relay`: three agents improve a draft (a drafter, a checker, a polisher) and learn when to hand off. Work is
 * deterministic given the episode seed, so the in-process and BullMQ runtimes must agree decision for decision.
 */
export function relayDefinition(options: { maxSteps?: number; maxHandoffs?: number } = {}): WorkflowDefinition<Draft> {
  const workflow = defineWorkflow<Draft>({
    name: 'relay',
    artifact: draftSchema,
    agents: [
      relayAgent(
        'draft',
        (x, u) => ({ ...x.value, progress: x.value.progress + (u < 0.7 ? 1 : 0) }),
        (x) => ({ progress: Math.min(x.progress, 3) }),
      ),
      relayAgent(
        'check',
        (x, u) => ({ ...x.value, quality: x.value.quality + (x.value.progress > x.value.quality && u < 0.6 ? 1 : 0) }),
        (x) => ({ gap: Math.sign(x.progress - x.quality) + 1 }),
      ),
      relayAgent(
        'polish',
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
  return { workflow, ...icqHeads, input: () => ({ progress: 0, quality: 0 }) };
}

const chainSchema = z.object({ payload: z.string() });

/**
 * `chain`: `hops + 1` agents that do nothing but pass the artifact along (a0 -> a1 -> ... -> submit). The queue
 * benchmark runs it to measure the runtime's own cost per handoff.
 */
export function chainDefinition(options: { hops?: number; payloadBytes?: number } = {}): WorkflowDefinition<{ payload: string }> {
  const hops = options.hops ?? 4;
  const ids = Array.from({ length: hops + 1 }, (_, i) => `a${i}`);
  const agents: AgentOption<{ payload: string }>[] = ids.map((id, i) => ({
    id,
    interface: { projectionKeys: [], project: () => ({}) },
    work: () => ({ reward: 0, duration: 1 }),
    canContinue: false,
    canSubmit: i === hops,
  }));
  const workflow = defineWorkflow({
    name: 'chain',
    artifact: chainSchema,
    agents,
    entry: 'a0',
    successors: Object.fromEntries(ids.map((id, i) => [id, i < hops ? [ids[i + 1] as string] : []])),
    grader: () => 1,
    budget: { maxSteps: hops + 2, maxHandoffs: hops },
  });
  const payloadBytes = options.payloadBytes ?? 256;
  return { workflow, ...icqHeads, input: () => chainInput(payloadBytes) };
}

/** The chain's first artifact value: a payload of about `bytes` characters. */
export function chainInput(bytes = 256): { payload: string } {
  return { payload: 'x'.repeat(bytes) };
}
