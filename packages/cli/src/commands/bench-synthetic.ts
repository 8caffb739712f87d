import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { ci95, DEFAULT_SYNTHETIC, mean, runSyntheticExperiment, type SyntheticConfig } from '@baton/learner';
import { outputFile, positiveInt } from '../program.ts';
import { createProgress } from '../progress.ts';
import { benchCommand } from './bench.ts';

type Knob = 'width' | 'interface' | 'mixing';

/**
 * One knob per error source of ICQ.md's bound, the other two held at the default:
 * width -> function approximation (neural IC-Q), interface -> representation gap, mixing -> mixing-time residual.
 */
const KNOBS: Record<Knob, { values: number[]; describe: string }> = {
  width: { values: [1, 2, 4, 32], describe: 'hidden width of the neural IC-Q heads' },
  interface: { values: [0, 0.25, 0.5, 0.75], describe: 'probability that drafter/solver see a random artifact kind' },
  mixing: { values: [0, 0.3, 0.6, 0.9], describe: 'share of heavy-tailed work durations (same mean)' },
};

export function register(program: Command): void {
  benchCommand(program)
    .command('synthetic')
    .description('Move one error knob of the synthetic IC-SMDP and measure error = optimum return - IC-Q return (>= 5 seeds per point).')
    .addOption(new Option('--knob <knob>', 'which error source to move').choices(Object.keys(KNOBS)).makeOptionMandatory())
    .option('--seeds <n>', 'seeds per point', positiveInt('--seeds'), 5)
    .option('--episodes <n>', 'training episodes per seed', positiveInt('--episodes'))
    .option('--json <file>', 'write {"knob", "points": [{value, error, ci95}]}', outputFile('--json'))
    .option('--progress', 'show a progress bar even when stderr is not a terminal')
    .option('--no-progress', 'never show a progress bar')
    .action(async (opts: { knob: Knob; seeds: number; episodes?: number; json?: string; progress?: boolean }) => {
      const started = performance.now();
      const knob = KNOBS[opts.knob];
      const neural = opts.knob === 'width';
      const episodes = opts.episodes ?? (neural ? 1500 : 2000);
      const progress = createProgress(`knob ${opts.knob}`, opts.progress ?? Boolean(process.stderr.isTTY));
      const points: { value: number; error: number; ci95: number; optimumReturn: number; normalizedReturn: number }[] = [];
      console.log(
        `knob ${opts.knob}: ${knob.describe}; ${opts.seeds} seeds x ${episodes} episodes per point (${neural ? 'IC-Q neural' : 'IC-Q tabular'})`,
      );
      for (const [i, value] of knob.values.entries()) {
        const config: SyntheticConfig = {
          ...DEFAULT_SYNTHETIC,
          ...(opts.knob === 'interface' ? { interfaceGap: value } : {}),
          ...(opts.knob === 'mixing' ? { mixing: value } : {}),
        };
        const result = await runSyntheticExperiment({
          config,
          seeds: opts.seeds,
          episodes,
          neuralEpisodes: episodes,
          evalEpisodes: 500,
          methods: [neural ? 'icq-neural' : 'icq-tabular'],
          ...(neural ? { width: value } : {}),
          onProgress: (done, total) => progress.update(i * total + done, knob.values.length * total, `${opts.knob}=${value}`),
        });
        const method = result.methods[0];
        if (!method) throw new Error('the experiment returned no method');
        const span = result.optimumReturn - result.randomReturn;
        const errors = method.perSeed.map((n) => (1 - n) * span);
        points.push({
          value,
          error: mean(errors),
          ci95: ci95(errors),
          optimumReturn: result.optimumReturn,
          normalizedReturn: method.normalizedReturn,
        });
      }
      progress.stop();
      console.log('value    error (optimum - IC-Q)   optimum return');
      for (const p of points)
        console.log(`${String(p.value).padEnd(8)} ${p.error.toFixed(4)} ± ${p.ci95.toFixed(4)}      ${p.optimumReturn.toFixed(4)}`);
      const first = points[0];
      const last = points[points.length - 1];
      if (first && last) {
        const predicted = opts.knob === 'width' ? last.error < first.error : last.error > first.error;
        const separated = Math.abs(last.error - first.error) > first.ci95 + last.ci95;
        console.log(
          `direction predicted by ICQ.md (${opts.knob === 'width' ? 'shrinks' : 'grows'}): ${predicted ? 'yes' : 'NO'}${separated ? ', beyond the CIs' : ', but within the CIs'}`,
        );
      }
      console.log(`elapsed: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      if (opts.json) {
        await writeFile(opts.json, `${JSON.stringify({ knob: opts.knob, seeds: opts.seeds, episodes, points }, null, 2)}\n`);
        console.log(`wrote ${opts.json}`);
      }
    });
}
