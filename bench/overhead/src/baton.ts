import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { createAuditSink } from '@baton/audit';
import { InProcessRuntime, defineWorkflow, type AgentOption, type BatonEvent, type HandoffHead } from '@baton/core';
import { ARTIFACT_TEXT, agentName, probe, type Chain } from './chain.ts';
import { TabularIcqHead } from '@baton/learner';

const Draft = z.object({ text: z.string(), hops: z.number().int().nonnegative(), holder: z.string() });
type Draft = z.infer<typeof Draft>;

export interface BatonChainOptions {
  /** IC-Q learning on: every handoff pays the receiver's value() and the sender's learn(). */
  readonly learn: boolean;
  /** Attach an event sink (events are only built when someone listens). */
  readonly events: boolean;
  /** Also write the hash-chained, signed JSONL audit log (createAuditSink) to a temporary file. */
  readonly audit?: boolean;
  /** Builds one head per agent; default `new TabularIcqHead()` (IC-Q, tabular, default schedules). */
  readonly head?: () => HandoffHead;
}

/**
 * Baton's chain: an InProcessRuntime over a workflow where agent i's only successor is agent i+1 and only the last
 * agent may submit, so every decision is its tabular head's choice over the legal set the runtime computed.
 * Each agent's work is an instant scripted revision of the artifact (a new version with a SHA-256 hash).
 */
export function buildBatonChain(handoffs: number, options: BatonChainOptions): Chain & { readonly events: () => number } {
  const ids = Array.from({ length: handoffs + 1 }, (_, i) => agentName(i));
  const agents: AgentOption<Draft>[] = ids.map((id, i) => ({
    id,
    canContinue: false,
    canSubmit: i === handoffs,
    interface: {
      projectionKeys: ['hops'],
      privateKeys: ['receipts'],
      project: (artifact) => ({ hops: artifact.value.hops }),
      privateState: (local) => ({ receipts: local.receipts }),
    },
    work: (artifact) => {
      probe.hop();
      return { value: { text: artifact.value.text, hops: artifact.value.hops + 1, holder: id }, reward: 0, duration: 1 };
    },
  }));
  const successors: Record<string, string[]> = {};
  ids.forEach((id, i) => (successors[id] = i < handoffs ? [ids[i + 1] as string] : []));
  const workflow = defineWorkflow<Draft>({
    name: 'overhead-chain',
    artifact: Draft,
    agents,
    entry: ids[0] as string,
    successors,
    grader: (artifact) => (artifact.value.hops === handoffs + 1 ? 1 : 0),
    budget: { maxSteps: handoffs + 1, maxHandoffs: handoffs },
  });
  const makeHead = options.head ?? (() => new TabularIcqHead());
  const heads = Object.fromEntries(ids.map((id) => [id, makeHead()]));
  let eventCount = 0;
  const sink = (_event: BatonEvent): void => {
    eventCount += 1;
  };
  const dir = options.audit ? mkdtempSync(join(tmpdir(), 'baton-overhead-')) : undefined;
  const audit = dir ? createAuditSink({ path: join(dir, 'audit.jsonl'), hmacKey: 'overhead-bench-key-0123456789' }) : undefined;
  const sinks = [...(options.events ? [sink] : []), ...(audit ? [audit.sink] : [])];
  const runtime = new InProcessRuntime<Draft>({ workflow, heads, sinks });
  let seed = 1;
  return {
    events: () => eventCount,
    async close() {
      await audit?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    async run() {
      const result = await runtime.runEpisode({
        seed: seed++,
        input: { text: ARTIFACT_TEXT, hops: 0, holder: 'input' },
        learn: options.learn,
      });
      return { path: result.path, handoffs: result.handoffs };
    },
  };
}
