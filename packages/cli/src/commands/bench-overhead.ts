import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { finiteNumber, outputFile, positiveInt } from '../program.ts';
import { createProgress, stderrIsTTY } from '../progress.ts';
import { benchCommand, loadWorkspacePackage } from './bench.ts';
import type { OverheadResult } from '@baton/bench-overhead';

interface OverheadFlags {
  readonly json?: string;
  readonly sizes?: number[];
  readonly rounds?: number;
  readonly warmupMs?: number;
  readonly progress?: boolean;
}

function sizeList(value: string): number[] {
  const sizes = value.split(',').map((s) => Number(s.trim()));
  if (!sizes.length || sizes.some((n) => !Number.isInteger(n) || n <= 0))
    throw new InvalidArgumentError(`--sizes must be positive integers separated by commas, got "${value}"`);
  return sizes;
}

/** `baton bench overhead`: per-handoff overhead and peak memory, Baton vs LangGraph.js vs the OpenAI Agents SDK. */
export function register(program: Command): void {
  benchCommand(program)
    .command('overhead')
    .description('Per-handoff overhead (µs) and peak memory of a chain of N agents: Baton vs LangGraph.js vs OpenAI Agents SDK')
    .option('--json <file>', 'write the figures as JSON', outputFile('--json'))
    .option('--sizes <list>', 'chain lengths in handoffs (default 10,100,1000)', sizeList)
    .option(
      '--rounds <n>',
      'rounds per size, frameworks in rotated order, the same runs for every side (default 3; 2 at N >= 1000)',
      positiveInt('--rounds'),
    )
    .option(
      '--warmup-ms <ms>',
      'warm pass: untimed running per process, the same time for every side, shared by the sizes (default 2000; 0: cold pass only)',
      finiteNumber('--warmup-ms', { min: 0, max: 600_000 }),
    )
    .option('--progress', 'show a progress bar even when stderr is not a TTY')
    .action(async (flags: OverheadFlags) => {
      const { runOverheadBench, COMPARED, REFERENCES } = await loadWorkspacePackage(
        'bench overhead',
        'bench/overhead',
        () => import('@baton/bench-overhead'),
      );
      const progress = createProgress('bench overhead', stderrIsTTY() || flags.progress === true);
      const result = await runOverheadBench({
        ...(flags.sizes ? { sizes: flags.sizes } : {}),
        ...(flags.rounds ? { rounds: flags.rounds } : {}),
        ...(flags.warmupMs === undefined ? {} : { warmupMs: flags.warmupMs }),
        onProgress: (done, total, label) => progress.update(done, total, label),
      });
      progress.stop();
      const sizes = (result.meta.sizes as number[] | undefined) ?? [];
      const warm = Number(result.meta.warmupMs) > 0;
      const cell = (x: number | undefined): string => (x === undefined ? '-' : x >= 100 ? x.toFixed(0) : x.toFixed(2)).padStart(10);
      const table = (title: string, pass: 'byN' | 'coldByN', ratios: OverheadResult['ratios']): void => {
        console.log(
          `${title.padEnd(26)}${sizes.map((n) => `N=${n}`.padStart(10)).join('')}${sizes.map((n) => `cpu N=${n}`.padStart(12)).join('')}${'peak RSS MB'.padStart(13)}${'heap MB'.padStart(9)}`,
        );
        for (const framework of [...COMPARED, ...REFERENCES]) {
          const figures = result[framework];
          if (!figures) continue;
          const memory = `${figures.peakRssMb.toFixed(0).padStart(13)}${figures.heapPeakMb.toFixed(1).padStart(9)}`;
          const wall = sizes.map((n) => cell(figures[pass][n]?.usPerHandoff)).join('');
          const cpu = sizes.map((n) => `  ${cell(figures[pass][n]?.cpuUsPerHandoff)}`).join('');
          console.log(`${framework.padEnd(26)}${wall}${cpu}${memory}`);
        }
        for (const [n, ratio] of Object.entries(ratios))
          console.log(
            `N=${n}: LangGraph.js ${ratio.langgraph}x (CPU ${ratio.langgraphCpu}x), OpenAI Agents SDK ${ratio.openaiAgents}x (CPU ${ratio.openaiAgentsCpu}x) Baton's overhead`,
          );
      };
      if (warm) {
        table(`warm: µs/handoff (median)`, 'byN', result.ratios);
        console.log(
          `(each chain timed after its share of ${String(result.meta.warmupMs)} ms of untimed runs; Baton ran ${String(result.baton?.warmupHandoffs ?? 0)} handoffs in them per process)\n`,
        );
      }
      table(`cold: µs/handoff (median)`, 'coldByN', result.coldRatios);
      console.log('(cold: after 5 warm-up runs of a chain of min(N, 100), mostly unoptimised code)');
      console.log('(every side: the same warm-up and timed runs per round; batonAudit is Baton writing the signed JSONL audit log)');
      console.log(`goal (Baton >= 10x lower than both at every N${warm ? ', warm and cold' : ''}): ${result.goal.met ? 'met' : 'NOT met'}`);
      if (flags.json) await writeFile(flags.json, `${JSON.stringify(result, null, 2)}\n`);
    });
}
