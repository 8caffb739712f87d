import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { outputFile, positiveInt } from '../program.ts';
import { benchCommand, loadWorkspaceBench } from './bench.ts';

interface QueueFlags {
  json?: string;
  hops: number;
  episodes: number;
  rounds: number;
  inFlight: number;
  concurrency: number;
  processes: string;
}

/** `baton bench queue`: Baton's handoffs/s on BullMQ against plain BullMQ chains, with 1, 2 and 4 worker processes. */
export function register(program: Command): void {
  benchCommand(program)
    .command('queue')
    .description('handoffs/s of Baton on BullMQ vs a raw BullMQ chain (same hops, payload, concurrency), 1/2/4 worker processes')
    .option('--json <file>', 'write the figures as JSON', outputFile('--json'))
    .option('--hops <n>', 'handoffs per episode', positiveInt('--hops'), 4)
    .option('--episodes <n>', 'timed episodes per run', positiveInt('--episodes'), 150)
    .option('--rounds <n>', 'alternating Baton/raw run pairs per process count (figures are medians)', positiveInt('--rounds'), 5)
    .option('--in-flight <n>', 'episodes in flight at once', positiveInt('--in-flight'), 32)
    .option('--concurrency <n>', 'jobs per worker at once', positiveInt('--concurrency'), 16)
    .option('--processes <list>', 'worker process counts', '1,2,4')
    .action(async (flags: QueueFlags) => {
      const processes = flags.processes.split(',').map((p) => positiveInt('--processes')(p.trim()));
      const { runQueueBench } = await loadWorkspaceBench('bench/bullmq', () => import('@baton/bench-bullmq'));
      const result = await runQueueBench({
        hops: flags.hops,
        episodes: flags.episodes,
        rounds: flags.rounds,
        inFlight: flags.inFlight,
        concurrency: flags.concurrency,
        processes,
        ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
        progress: (m) => console.error(m),
      });
      console.log(JSON.stringify(result, null, 2));
      if (flags.json) await writeFile(flags.json, `${JSON.stringify(result, null, 2)}\n`);
    });
}
