import { z } from 'zod';
import { defineWorkflow, type AgentOption } from '@baton/core';
import { relayInput, relayWorkflow, type RelayDraft } from '@baton/core/test';
import { TabularIcqHead } from '@baton/learner';
import type { WorkflowDefinition } from '../bullmq/protocol.ts';

const icqHeads = {
  createHead: () => new TabularIcqHead({ exploration: { type: 'epsilon', start: 0.3, end: 0.05, halfLife: 200 }, initialQ: 0.5 }),
  loadHead: (_agentId: string, snapshot: unknown) => TabularIcqHead.fromJSON(snapshot),
};

/**
 * `relay` (the relay of `@baton/core/test`) with tabular IC-Q heads, for the BullMQ runtime: work is deterministic
 * given the episode seed, so the in-process and BullMQ runtimes must agree decision for decision.
 */
export function relayDefinition(options: { maxSteps?: number; maxHandoffs?: number } = {}): WorkflowDefinition<RelayDraft> {
  return { workflow: relayWorkflow(options), ...icqHeads, input: relayInput };
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
