import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { withAuditLog } from '@baton/audit';
import type { EventSink } from '@baton/core';
import {
  METHOD_NAMES,
  runSyntheticExperiment,
  runSyntheticExperimentOnTwoThreads,
  type ExperimentResult,
  type MethodName,
} from '@baton/learner';
import { intChoice, outputFile, positiveInt } from '../program.ts';
import { createProgress } from '../progress.ts';

/** The table the demo prints, one row per method. */
export function formatExperiment(result: ExperimentResult): string {
  const rows = result.methods.map((m) => [
    m.name,
    `${m.normalizedReturn.toFixed(3)} ± ${m.ci95.toFixed(3)}`,
    m.episodesTo95 === null ? (m.curve.length ? 'not reached' : '-') : String(m.episodesTo95),
  ]);
  const header = ['method', 'normalized return (95% CI)', 'episodes to 95% of optimum'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'Train every method on the synthetic IC-SMDP (3 agents, hidden artifact parts, random durations) over several seeds ' +
        'and compare with the exact optimum. Normalized return: random = 0, optimum = 1. No API keys, no Redis.',
    )
    .option('--seeds <n>', 'training seeds per method', positiveInt('--seeds'), 5)
    .option('--episodes <n>', 'training episodes per seed (table learners)', positiveInt('--episodes'), 4000)
    .option('--neural-episodes <n>', 'training episodes per seed (neural IC-Q)', positiveInt('--neural-episodes'), 3000)
    .option('--width <n>', 'hidden width of the neural heads', positiveInt('--width'), 32)
    .addOption(new Option('--methods <list>', 'comma-separated subset of methods').argParser(parseMethods))
    .addOption(
      new Option('--threads <n>', 'threads to spread the methods over (results are identical)')
        .choices(['1', '2'])
        .default(2)
        .argParser(intChoice('--threads', [1, 2])),
    )
    .option('--json <file>', 'also write the results as JSON', outputFile('--json'))
    .option(
      '--audit <file>',
      'write a hash-chained audit log of the last IC-Q tabular training episodes (signed when BATON_AUDIT_KEY is set); replaces FILE',
      outputFile('--audit'),
    )
    .option('--progress', 'show a progress bar even when stderr is not a terminal')
    .option('--no-progress', 'never show a progress bar')
    .action(
      async (opts: {
        seeds: number;
        episodes: number;
        neuralEpisodes: number;
        width: number;
        methods?: MethodName[];
        json?: string;
        audit?: string;
        progress?: boolean;
        threads: number;
      }) => {
        const started = performance.now();
        const progress = createProgress('training', opts.progress ?? Boolean(process.stderr.isTTY));
        const experiment = opts.threads === 2 ? runSyntheticExperimentOnTwoThreads : runSyntheticExperiment;
        const run = (auditSink?: EventSink) =>
          experiment({
            seeds: opts.seeds,
            episodes: opts.episodes,
            neuralEpisodes: opts.neuralEpisodes,
            width: opts.width,
            ...(opts.methods ? { methods: opts.methods } : {}),
            ...(auditSink ? { auditSink } : {}),
            onProgress: (done, total, label) => progress.update(done, total, label),
          });
        let result: ExperimentResult;
        let auditNote = '';
        if (opts.audit) {
          const audited = await withAuditLog(opts.audit, (sink) => run(sink), { overwrite: true });
          result = audited.value;
          auditNote = `audit log: ${opts.audit} (${audited.verify.records} records, ${audited.verify.ok ? 'verified' : 'NOT intact'}${audited.verify.signed ? ', signed' : ''})`;
        } else {
          result = await run();
        }
        progress.stop();
        const elapsed = (performance.now() - started) / 1000;
        console.log(
          `Synthetic IC-SMDP: optimum return ${result.optimumReturn.toFixed(4)} (value iteration), random ${result.randomReturn.toFixed(4)}; ${opts.seeds} seeds`,
        );
        console.log(`best fixed pipeline: ${result.pipeline.map(([a, k]) => `${a}x${k}`).join(' -> ')}\n`);
        console.log(formatExperiment(result));
        console.log(
          `\nin-process throughput (IC-Q tabular heads, learning; median of 5 runs after training): ${Math.round(result.decisionsPerSecond).toLocaleString('en-US')} decisions/s`,
        );
        if (auditNote) console.log(auditNote);
        console.log(`elapsed: ${elapsed.toFixed(1)} s`);
        if (opts.json) {
          const json = {
            methods: result.methods.map((m) => ({
              name: m.name,
              normalizedReturn: m.normalizedReturn,
              ci95: m.ci95,
              episodesTo95: m.episodesTo95,
              perSeed: m.perSeed,
              curve: m.curve,
            })),
            decisionsPerSecond: result.decisionsPerSecond,
            optimumReturn: result.optimumReturn,
            randomReturn: result.randomReturn,
            pipeline: result.pipeline,
            config: result.config,
            seeds: opts.seeds,
            seconds: elapsed,
          };
          await writeFile(opts.json, `${JSON.stringify(json, null, 2)}\n`);
          console.log(`wrote ${opts.json}`);
        }
      },
    );
}

function parseMethods(value: string): MethodName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(METHOD_NAMES as readonly string[]).includes(n))
      throw new InvalidArgumentError(`unknown method "${n}" (one of ${METHOD_NAMES.join(', ')})`);
  }
  return names as MethodName[];
}
