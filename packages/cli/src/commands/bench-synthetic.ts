import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { CHAIN_NOISE, KNOBS, runKnob, type KnobName } from '@baton/learner';
import { finiteNumber, intChoice, outputFile, positiveInt } from '../program.ts';
import { createProgress, stderrIsTTY } from '../progress.ts';
import { benchCommand } from './bench.ts';
import { formatKnob } from './synthetic-format.ts';

export function register(program: Command): void {
  benchCommand(program)
    .command('synthetic')
    .description(
      'Move one knob of the synthetic environments and measure each point exactly. width | interface | mixing move one error ' +
        'source of the IC-Q bound (function approximation, interface gap, mixing residual) and print IC-Q error = optimum - ' +
        'return; chain lengthens the relay (credit for a route travels through more handoffs to a noisy grade) and compares ' +
        'IC-Q, no-scalar Monte Carlo, UCB1 and the centralized learner.',
    )
    .addOption(new Option('--knob <knob>', 'which knob to move').choices(Object.keys(KNOBS)).makeOptionMandatory())
    .option('--seeds <n>', 'seeds per point (default 5; 10 for interface and chain)', positiveInt('--seeds'))
    .option(
      '--episodes <n>',
      'training episodes per seed (default 1500 width, 2000 interface/mixing, 3000 chain)',
      positiveInt('--episodes'),
    )
    .option('--values <list>', 'comma-separated knob values instead of the defaults (e.g. --values 1,2,4,32)', parseValues)
    .option(
      `--noise <x>`,
      `chain only: half-spread of the relay grader's noise (0 to 10)`,
      finiteNumber('--noise', { min: 0, max: 10 }),
      CHAIN_NOISE,
    )
    .addOption(
      new Option('--threads <n>', 'threads to use (results are identical)')
        .choices(['1', '2'])
        .default(2)
        .argParser(intChoice('--threads', [1, 2])),
    )
    .option(
      '--json <file>',
      'write the sweep as JSON: {knob, seeds, episodes, points: [{value, error, ci95, samples, methods, ...}], comparisons}',
      outputFile('--json'),
    )
    .option('--progress', 'show a progress bar even when stderr is not a terminal')
    .option('--no-progress', 'never show a progress bar')
    .action(
      async (opts: {
        knob: KnobName;
        seeds?: number;
        episodes?: number;
        values?: number[];
        noise: number;
        threads: 1 | 2;
        json?: string;
        progress?: boolean;
      }) => {
        const started = performance.now();
        const progress = createProgress(`knob ${opts.knob}`, opts.progress ?? stderrIsTTY());
        const result = await runKnob(opts.knob, {
          ...(opts.seeds ? { seeds: opts.seeds } : {}),
          ...(opts.episodes ? { episodes: opts.episodes } : {}),
          ...(opts.values ? { values: opts.values } : {}),
          noise: opts.noise,
          threads: opts.threads,
          onProgress: (done, total, label) => progress.update(done, total, label),
        });
        progress.stop();
        console.log(formatKnob(result));
        console.log(`elapsed: ${((performance.now() - started) / 1000).toFixed(1)} s`);
        if (opts.json) {
          await writeFile(opts.json, `${JSON.stringify(result, null, 2)}\n`);
          console.log(`wrote ${opts.json}`);
        }
      },
    );
}

function parseValues(value: string): number[] {
  const one = finiteNumber('--values', { min: 0, max: 1e6 });
  const values = value.split(',').map((s) => one(s.trim()));
  if (values.length < 2) throw new InvalidArgumentError(`--values needs two or more comma-separated numbers, got "${value}"`);
  return values;
}
