import { z } from 'zod';
import { defineWorkflow, type AgentOption, type HandoffHead, type Workflow } from '@baton/core';
import { legalActionsFor } from '@baton/core/internal';
import { relayInput, relayWorkflow, type RelayDraft } from '@baton/core/test';
import { LinearIcqHead, NeuralIcqHead, TabularIcqHead } from '@baton/learner';
import type { WorkflowDefinition } from '../bullmq/protocol.ts';

const icqHeads = {
  createHead: () => new TabularIcqHead({ exploration: { type: 'epsilon', start: 0.3, end: 0.05, halfLife: 200 }, initialQ: 0.5 }),
  loadHead: (_agentId: string, snapshot: unknown) => TabularIcqHead.fromJSON(snapshot),
};

/**
 * `relay` (the relay of `@baton/core/test`) with IC-Q heads (tabular unless `heads` says otherwise), for the BullMQ
 * runtime: work is deterministic given the episode seed, so the in-process and BullMQ runtimes must agree decision
 * for decision.
 */
export function relayDefinition(
  options: { maxSteps?: number; maxHandoffs?: number; heads?: RelayHeads } = {},
): WorkflowDefinition<RelayDraft> {
  const workflow = relayWorkflow(options);
  const heads = options.heads === undefined || options.heads === 'tabular' ? icqHeads : featureHeads(workflow, options.heads);
  return { workflow, ...heads, input: relayInput };
}

/** Which IC-Q heads the relay's agents learn with (neural heads need `ensureTfBackend()` first). */
export type RelayHeads = 'tabular' | 'linear' | 'neural';

/** Linear or neural IC-Q heads over each agent's own features, with its full option set. */
function featureHeads<T>(workflow: Workflow<T>, kind: 'linear' | 'neural'): Pick<WorkflowDefinition<T>, 'createHead' | 'loadHead'> {
  const shape = (id: string) => {
    const iface = workflow.agentById.get(id)?.interface;
    return {
      actions: legalActionsFor(workflow, id, 0),
      projectionKeys: iface?.projectionKeys ?? [],
      privateKeys: iface?.privateKeys ?? [],
    };
  };
  if (kind === 'linear')
    return {
      createHead: (id): HandoffHead => new LinearIcqHead({ ...shape(id), initialQ: 0.5, epsilon: { start: 0.3, decay: 0.99, min: 0.05 } }),
      loadHead: (_id, snapshot) => LinearIcqHead.fromJSON(snapshot),
    };
  const neural = (id: string) => {
    const { actions, projectionKeys, privateKeys } = shape(id);
    const features = [
      ...projectionKeys.map((key) => ({ key, from: 'projection' as const })),
      ...privateKeys.map((key) => ({ key, from: 'private' as const })),
    ];
    const exploration = { type: 'epsilon' as const, start: 0.3, end: 0.05, halfLife: 200 };
    return { actions, features, hidden: [8], seed: 7, replay: false, trainEvery: 4, batchSize: 4, initialQ: 0.5, exploration };
  };
  return {
    createHead: (id): HandoffHead => new NeuralIcqHead(neural(id)),
    loadHead: (id, snapshot) => NeuralIcqHead.fromJSON(snapshot, neural(id)),
  };
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
