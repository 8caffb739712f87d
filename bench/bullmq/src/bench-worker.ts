/**
 * One benchmark worker process: `node --conditions=@baton/source --import tsx bench-worker.ts '<json>'`. Runs Baton agent workers (mode
 * `baton`) or plain BullMQ chain workers (mode `raw`) for the listed agents, prints `ready`, and drains on SIGTERM.
 */
import { createInterface } from 'node:readline';
import { Queue, Worker, type Job } from 'bullmq';
import { createRedisStreamAuditSink } from '@baton/adapters/audit';
import { connectRedis, batonJobOptions, BATON_WORKER_TIMING, AgentWorker, type WorkflowDefinition } from '@baton/adapters';
import { chainDefinition, relayDefinition } from '@baton/adapters/test';
import { rawQueueName, relayBudget, type BenchWorkerConfig, type RawChainJob } from './processes.ts';

/** Lines from the harness on stdin; when the harness dies stdin closes and this process exits too. */
function harnessLines(): AsyncIterator<string> {
  process.stdin.setEncoding('utf8');
  process.stdin.on('end', () => process.exit(0));
  return createInterface({ input: process.stdin })[Symbol.asyncIterator]();
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as BenchWorkerConfig;
  const lines = harnessLines();
  if (config.standby) {
    // A warm spare: modules loaded, waiting for `go` to take over a killed worker's agents.
    process.stdout.write('standby\n');
    for (let line = await lines.next(); !line.done && line.value.trim() !== 'go'; line = await lines.next());
  }
  const redis = connectRedis(config.url);
  redis.on('error', () => undefined);
  const closers: (() => Promise<void>)[] = [];
  if (config.mode === 'baton') {
    const definition = (config.workflow === 'chain'
      ? chainDefinition({ hops: config.hops })
      : relayDefinition(relayBudget(config.hops))) as unknown as WorkflowDefinition;
    const auditRedis = config.auditChain ? connectRedis(config.url) : undefined;
    auditRedis?.on('error', () => undefined);
    const audit =
      config.auditChain && auditRedis
        ? createRedisStreamAuditSink({ redis: auditRedis, stream: config.auditChain.stream, hmacKey: config.auditChain.hmacKey })
        : undefined;
    for (const agentId of config.agents) {
      const worker = await AgentWorker.start({
        ...(audit ? { sinks: [audit.sink] } : {}),
        definition,
        agentId,
        keys: { prefix: config.prefix, workflowKey: config.workflowKey },
        redis,
        concurrency: config.concurrency,
        ...(config.timing ? { timing: config.timing } : {}),
        ...(config.auditStream ? { eventStream: config.auditStream } : {}),
      });
      closers.push(() => worker.close());
    }
  } else {
    const queues = new Map<string, Queue>();
    const queue = (name: string): Queue => {
      let q = queues.get(name);
      if (!q) queues.set(name, (q = new Queue(name, { connection: redis, prefix: config.prefix })));
      return q;
    };
    for (const agent of config.agents) {
      const position = Number(agent);
      const worker = new Worker(
        rawQueueName(config.workflowKey, position),
        async (job: Job) => {
          const data = job.data as RawChainJob;
          if (position < config.hops) {
            const next: RawChainJob = { ...data, position: position + 1 };
            await queue(rawQueueName(config.workflowKey, position + 1)).add(
              'hop',
              next,
              batonJobOptions(`${data.chainId}.${position + 1}`),
            );
          } else {
            await queue(rawQueueName(config.workflowKey, 'results')).add(
              'result',
              { chainId: data.chainId },
              batonJobOptions(`${data.chainId}.result`),
            );
          }
        },
        { connection: redis, prefix: config.prefix, concurrency: config.concurrency, ...BATON_WORKER_TIMING },
      );
      worker.on('error', () => undefined);
      closers.push(() => worker.close());
    }
    closers.push(async () => {
      await Promise.all([...queues.values()].map((q) => q.close()));
    });
  }
  process.stdout.write('ready\n');
  const stop = async (): Promise<void> => {
    for (const close of closers) await close();
    redis.disconnect();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
}

await main();
