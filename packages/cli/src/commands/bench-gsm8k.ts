import { writeFileSync } from 'node:fs';
import { loadRouteLLM } from '@baton/adapters';
import { UserError } from '@baton/core';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { runGsm8kBench, type Gsm8kBenchResult } from '../gsm8k/bench.ts';
import { finiteNumber, outputFile, positiveInt, STRONG_CALL_PENALTY } from '../program.ts';
import { benchCommand } from './bench.ts';

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-');

/** Prints the result tables to stdout. */
export function printGsm8k(result: Gsm8kBenchResult): void {
  console.log(
    `GSM8K handoffs: ${result.prompts} prompts; ${result.weakModel} ${pct(result.weakAccuracy)}, ${result.strongModel} ${pct(result.strongAccuracy)}`,
  );
  console.log(
    `training cost weight ${result.costWeight.toFixed(2)} reward/$ (the sweep applies cost at decision time); CPT(50%)=${pct(result.cpt50)} CPT(80%)=${pct(result.cpt80)} APGR=${result.apgr.toFixed(3)}`,
  );
  console.log('\nrouter                                   CPT(50%)  CPT(80%)  APGR   $/prompt at 10/30/50% strong');
  for (const row of result.rows) {
    const usd = [1, 3, 5].map((i) => row.curve.find((p) => Math.abs(p.strongShare - i / 10) < 0.02)?.dollarsPerPrompt);
    console.log(
      `${row.name.padEnd(40)} ${pct(row.cpt50).padStart(8)}  ${pct(row.cpt80).padStart(8)}  ${row.apgr.toFixed(3)}  ${usd.map((u) => (u === undefined ? '-' : `$${u.toFixed(4)}`)).join(' / ')}`,
    );
  }
  console.log('\ncurve (strong share: accuracy, $/prompt):');
  for (const p of result.curve)
    console.log(`  ${pct(p.strongShare).padStart(6)}: ${pct(p.accuracy)}  $${(p.dollarsPerPrompt ?? 0).toFixed(4)}`);
  console.log(
    `\nprojection features: weak solver [${result.features.weak.join(', ')}]; checker adds [${result.features.checker.filter((f) => !result.features.weak.includes(f)).join(', ')}]`,
  );
  if (result.ablation.length) {
    console.log(
      'ablation (drop one feature from every interface, retrain with fewer folds and epochs; the all-features line is the same reduced run):',
    );
    for (const a of result.ablation)
      console.log(
        `  ${a.feature.padEnd(24)} APGR ${a.apgr.toFixed(3)}  (adds ${a.deltaApgr >= 0 ? '+' : ''}${a.deltaApgr.toFixed(3)})  CPT50 ${pct(a.cpt50)} CPT80 ${pct(a.cpt80)}`,
      );
  }
}

export function register(program: Command): void {
  benchCommand(program)
    .command('gsm8k')
    .description(
      'Learned cascade on recorded GSM8K outputs (RouteLLM): Mixtral drafts, its head submits or hands to the checker or GPT-4; 5-fold CV.',
    )
    .requiredOption('--data <dir>', 'RouteLLM GSM8K directory (gsm8k_responses.csv, gsm8k_test.jsonl, contaminated_prompts.jsonl)')
    .option('--json <file>', 'write machine-readable results here', outputFile('--json'))
    .option('--folds <n>', 'cross-validation folds', positiveInt('--folds'), 5)
    .option('--epochs <n>', 'training passes over the training folds', positiveInt('--epochs'), 4)
    .option('--ablation-epochs <n>', 'training passes per ablation run', positiveInt('--ablation-epochs'), 2)
    .option('--ablation-folds <n>', 'cross-validation folds per ablation run', positiveInt('--ablation-folds'), 2)
    .option('--no-ablation', 'skip the per-feature ablation')
    .option(
      '--strong-call-penalty <r>',
      'training cost of one mean strong call, in reward units',
      finiteNumber('--strong-call-penalty', STRONG_CALL_PENALTY),
      0,
    )
    .option('--seed <n>', 'seed', positiveInt('--seed'), 7)
    .option('--progress', 'show a progress bar even when stderr is not a TTY')
    .action(
      async (opts: {
        data: string;
        json?: string;
        folds: number;
        epochs: number;
        ablationEpochs: number;
        ablationFolds: number;
        ablation: boolean;
        strongCallPenalty: number;
        seed: number;
        progress?: boolean;
      }) => {
        if (opts.folds < 2) throw new UserError('must be at least 2', { field: '--folds' });
        if (opts.ablationFolds < 2) throw new UserError('must be at least 2', { field: '--ablation-folds' });
        const dataset = loadRouteLLM(opts.data);
        const bar =
          process.stderr.isTTY || opts.progress
            ? new cliProgress.SingleBar(
                { stream: process.stderr, etaBuffer: 50, noTTYOutput: Boolean(opts.progress), notTTYSchedule: 5000 },
                cliProgress.Presets.shades_classic,
              )
            : undefined;
        bar?.start(1, 0);
        const result = await runGsm8kBench(dataset, {
          folds: opts.folds,
          epochs: opts.epochs,
          ablationEpochs: opts.ablationEpochs,
          ablationFolds: opts.ablationFolds,
          ablation: opts.ablation,
          seed: opts.seed,
          strongCallPenalty: opts.strongCallPenalty,
          onProgress: (done, total) => {
            bar?.setTotal(total);
            bar?.update(done);
          },
        });
        bar?.stop();
        printGsm8k(result);
        if (opts.json) writeFileSync(opts.json, `${JSON.stringify(result, null, 2)}\n`);
      },
    );
}
