import { InProcessRuntime, type BatonEvent, type EpisodeResult, type HandoffHead } from '@baton/core';
import type { Redis } from 'ioredis';
import { BullmqRuntime } from '../bullmq/runtime.ts';
import { AgentWorker, type AgentWorkerConfig } from '../bullmq/worker.ts';
import type { KeySpace, WorkflowDefinition } from '../bullmq/protocol.ts';
import type { Retention } from '../bullmq/retention.ts';
import { dropKeys, uniqueKeys } from '../bullmq/test-support.ts';

/** One worker per agent plus a driver, in this process, under a key space of its own (for tests of workflows on BullMQ). */
export interface Deployment<T> {
  readonly keys: KeySpace;
  readonly workers: AgentWorker<T>[];
  readonly runtime: BullmqRuntime<T>;
  /** Every event the workers' sinks received. */
  readonly events: BatonEvent[];
  stop(): Promise<void>;
}

/** `retention` goes to the workers and the runtime alike; `extra` to one agent's worker. */
export async function deploy<T>(
  redis: Redis,
  definition: WorkflowDefinition<T>,
  extra: (agentId: string) => Partial<AgentWorkerConfig<T>> = () => ({}),
  options: { readonly retention?: Partial<Retention> } = {},
): Promise<Deployment<T>> {
  const keys = uniqueKeys(definition.workflow.name);
  const retention = options.retention ?? {};
  const events: BatonEvent[] = [];
  const workers = await Promise.all(
    definition.workflow.agents.map((a) =>
      AgentWorker.start({
        definition,
        agentId: a.id,
        keys,
        redis,
        sinks: [(e) => void events.push(e)],
        concurrency: 4,
        retention,
        ...extra(a.id),
      }),
    ),
  );
  const runtime = await BullmqRuntime.start({ workflow: definition.workflow, redis, keys, episodeTimeoutMs: 30_000, retention });
  return {
    keys,
    workers,
    runtime,
    events,
    async stop() {
      await runtime.close();
      await Promise.all(workers.map((w) => w.close()));
      await dropKeys(redis, keys);
    },
  };
}

/** The same episodes in-process, one after another, on fresh heads from the same definition. */
export async function inProcessTwin<T>(
  definition: WorkflowDefinition<T>,
  count: number,
  seed: number,
): Promise<{ results: EpisodeResult<T>[]; events: BatonEvent[]; heads: Record<string, HandoffHead> }> {
  const heads = Object.fromEntries(definition.workflow.agents.map((a) => [a.id, definition.createHead(a.id)]));
  const events: BatonEvent[] = [];
  const runtime = new InProcessRuntime({ workflow: definition.workflow, heads, sinks: [(e) => void events.push(e)] });
  const results: EpisodeResult<T>[] = [];
  const input = definition.input as (i: number) => T;
  for (let i = 0; i < count; i++) results.push(await runtime.runEpisode({ seed: seed + i, input: input(i), episodeId: `twin-${i}` }));
  return { results, events, heads };
}

/** `episode:agent:action:time` of every decision, episode ids reduced to their order (runs use different ids). */
export function decisionTrail(events: readonly BatonEvent[], order: readonly string[]): string[] {
  const index = new Map(order.map((id, i) => [id, i]));
  return events
    .flatMap((e) => (e.type === 'decision' ? [{ e, i: index.get(e.episodeId) ?? -1 }] : []))
    .sort((a, b) => a.i - b.i)
    .map(({ e, i }) => `${i}:${e.agent}:${e.action}:${e.time}`);
}
