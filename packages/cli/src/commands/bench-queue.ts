import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { QueueBenchResult } from '@baton/bench-bullmq';
import { outputFile, positiveInt } from '../program.ts';
import { benchCommand, loadWorkspacePackage } from './bench.ts';

interface QueueFlags {
  json?: string;
  hops: number;
  episodes: number;
  warmup?: number;
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
    .option('--warmup <n>', 'untimed episodes per side before the rounds (default: --episodes)', positiveInt('--warmup'))
    .option(
      '--rounds <n>',
      'rounds per process count; each times learning on, learning off and raw once, order rotated (figures are medians)',
      positiveInt('--rounds'),
      5,
    )
    .option('--in-flight <n>', 'episodes in flight at once', positiveInt('--in-flight'), 32)
    .option('--concurrency <n>', 'jobs per worker at once', positiveInt('--concurrency'), 16)
    .option('--processes <list>', 'worker process counts', '1,2,4')
    .action(async (flags: QueueFlags) => {
      const processes = flags.processes.split(',').map((p) => positiveInt('--processes')(p.trim()));
      const { runQueueBench } = await loadWorkspacePackage('bench queue', 'bench/bullmq', () => import('@baton/bench-bullmq'));
      const result = await runQueueBench({
        hops: flags.hops,
        episodes: flags.episodes,
        ...(flags.warmup === undefined ? {} : { warmup: flags.warmup }),
        rounds: flags.rounds,
        inFlight: flags.inFlight,
        concurrency: flags.concurrency,
        processes,
        ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
        progress: (m) => console.error(m),
      });
      for (const line of queueTable(result)) console.log(line);
      if (flags.json) await writeFile(flags.json, `${JSON.stringify(result, null, 2)}\n`);
    });
}

/** The figures as a table: one row per worker-process count, then the headline. */
export function queueTable(result: QueueBenchResult): string[] {
  const head = ['processes', 'learning /s', 'off /s', 'raw /s', 'learning ratio', 'off ratio', 'CPU µs/hop (learn/off/raw)'];
  const rows = result.scaling.map((p) => [
    String(p.processes),
    p.batonLearningHandoffsPerSecond.toFixed(0),
    p.batonHandoffsPerSecond.toFixed(0),
    p.rawJobsPerSecond.toFixed(0),
    p.learningRatio.toFixed(3),
    p.learningOffRatio.toFixed(3),
    `${p.cpuUsPerHandoff.learning.toFixed(0)} / ${p.cpuUsPerHandoff.learningOff.toFixed(0)} / ${p.cpuUsPerHandoff.raw.toFixed(0)}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padStart(widths[i] as number)).join('  ');
  return [
    `bench queue: ${result.hops}-hop chains, ${result.episodesPerRun} episodes per run after ${result.warmupEpisodes} untimed per side, ${result.rounds} rounds, ${result.inFlight} in flight, payload ${result.payloadBytes} B`,
    line(head),
    ...rows.map(line),
    `ratio (learning on, the headline): ${result.ratio.toFixed(3)}   learning off: ${result.learningOffRatio.toFixed(3)}   worst count: ${result.minRatio.toFixed(3)}`,
    `(${result.ratioDefinition}; load average ${result.loadavg.before.join(' ')} -> ${result.loadavg.after.join(' ')})`,
  ];
}
