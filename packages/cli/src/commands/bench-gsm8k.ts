import { writeFileSync } from 'node:fs';
import { loadRouteLLM } from '@baton/adapters';
import { UserError } from '@baton/core';
import type { Command } from 'commander';
import { runGsm8kBench, type Estimate, type Gsm8kBenchResult } from '../gsm8k/bench.ts';
import { ROUTING_TERMS } from '../gsm8k/metrics.ts';
import { finiteNumber, outputFile, positiveInt, STRONG_CALL_PENALTY } from '../program.ts';
import { createProgress, stderrIsTTY } from '../progress.ts';
import { table } from './synthetic-format.ts';
import { benchCommand } from './bench.ts';

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-');
/** "16.5 ± 0.8%" over seeds; the bare value for a published constant. */
const pctCi = (e: Estimate): string =>
  Number.isFinite(e.ci95) ? `${(e.mean * 100).toFixed(1)} ± ${(e.ci95 * 100).toFixed(1)}%` : pct(e.mean);
const numCi = (e: Estimate): string => (Number.isFinite(e.ci95) ? `${e.mean.toFixed(3)} ± ${e.ci95.toFixed(3)}` : e.mean.toFixed(3));

/** Prints the result tables to stdout, with what each figure and comparison means. */
export function printGsm8k(result: Gsm8kBenchResult): void {
  const seeds = result.seeds.length;
  console.log(
    `GSM8K handoffs: ${result.prompts} prompts (RouteLLM's recorded outputs); ${result.weakModel} ${pct(result.weakAccuracy)}, ` +
      `${result.strongModel} ${pct(result.strongAccuracy)}. ${seeds} seeds (${result.seeds.join(', ')}) x ${result.folds}-fold CV x ${result.epochs} epochs.`,
  );
  console.log(`${ROUTING_TERMS} Figures: mean ± 95% CI over ${seeds} seeds.`);
  console.log(
    `\nheadline (the cascade): CPT(50%) = ${pctCi(result.rows[0]?.cpt50 ?? { mean: result.cpt50, ci95: result.ci95.cpt50 })}, ` +
      `CPT(80%) = ${pctCi({ mean: result.cpt80, ci95: result.ci95.cpt80 })}, APGR = ${numCi({ mean: result.apgr, ci95: result.ci95.apgr })}` +
      ` (per seed: ${result.perSeed.map((p) => p.apgr.toFixed(3)).join(', ')})`,
  );
  console.log(
    table(
      ['router', 'CPT(50%)', 'CPT(80%)', 'APGR', '$/prompt at 10/30/50% strong'],
      result.rows.map((row) => {
        const usd = [1, 3, 5].map((i) => row.curve.find((p) => Math.abs(p.strongShare - i / 10) < 0.02)?.dollarsPerPrompt);
        return [
          row.name,
          pctCi(row.cpt50),
          pctCi(row.cpt80),
          numCi(row.apgr),
          usd.map((u) => (u === undefined ? '-' : `$${u.toFixed(4)}`)).join(' / '),
        ];
      }),
      '  ',
    ),
  );
  const [cascade, verifier, question] = result.rows;
  if (cascade && verifier && question)
    console.log(
      [
        '',
        `What the comparisons mean:`,
        `- cascade vs supervised verifier (${numCi(cascade.apgr)} vs ${numCi(verifier.apgr)}): the verifier is fit directly to the labels on the same`,
        "  features and folds. Matching it means IC-Q, learning only from the runtime's targets, gets out of those features what a",
        '  supervised model gets - not more; the features, not the learning rule, set this ceiling.',
        `- question-only vs RouteLLM's best published router (${numCi(question.apgr)} vs 0.622): the like-for-like comparison - both decide`,
        "  from the question alone - but the question-only head trains in-domain on GSM8K folds and RouteLLM's router on other data.",
        "- the cascade vs 0.622 is NOT like for like: the cascade reads the weak model's draft (and pays for it) before deciding,",
        '  which no RouteLLM router does; its figure says what draft access buys, not that the learning rule beats RouteLLM.',
      ].join('\n'),
    );
  console.log('\ncurve of the cascade (strong share: accuracy, $/prompt; mean over seeds):');
  for (const p of result.curve)
    console.log(`  ${pct(p.strongShare).padStart(6)}: ${pct(p.accuracy)}  $${(p.dollarsPerPrompt ?? 0).toFixed(4)}`);
  console.log(
    `\nprojection features: weak solver [${result.features.weak.join(', ')}]; checker adds [${result.features.checker.filter((f) => !result.features.weak.includes(f)).join(', ')}]`,
  );
  if (result.ablation.length && result.ablationSetting) {
    console.log(
      `ablation (drop one feature from every interface, retrain with ${result.ablationSetting.folds} folds x ${result.ablationSetting.epochs} epochs on each of the ${seeds} seeds;` +
        ' "adds" = APGR with it minus without it, paired per seed, mean ± 95% CI):',
    );
    console.log(
      table(
        ['feature', 'APGR without it', 'adds'],
        result.ablation.map((a) => [
          a.feature,
          numCi(a.apgr),
          a.feature.startsWith('(') ? '-' : `${a.delta.mean >= 0 ? '+' : ''}${numCi(a.delta)}`,
        ]),
        '  ',
      ),
    );
  } else console.log('ablation: run with --ablation to retrain without each feature on every seed (with CIs).');
}

export function register(program: Command): void {
  benchCommand(program)
    .command('gsm8k')
    .description(
      'Learned cascade on recorded GSM8K outputs (RouteLLM): Mixtral drafts, its head submits or hands to the checker or GPT-4; ' +
        '5-fold CV on each of 5 seeds, beside a supervised verifier on the same features and a question-only router.',
    )
    .requiredOption('--data <dir>', 'RouteLLM GSM8K directory (gsm8k_responses.csv, gsm8k_test.jsonl, contaminated_prompts.jsonl)')
    .option('--json <file>', 'write machine-readable results here', outputFile('--json'))
    .option('--folds <n>', 'cross-validation folds', positiveInt('--folds'), 5)
    .option('--epochs <n>', 'training passes over the training folds', positiveInt('--epochs'), 4)
    .option('--seeds <n>', 'seeds (full cross-validations) behind the headline mean and CI', positiveInt('--seeds'), 5)
    .option('--ablation', 'also retrain without each feature on every seed (slow: one reduced CV per feature and seed)')
    .option('--ablation-epochs <n>', 'training passes per ablation run', positiveInt('--ablation-epochs'), 2)
    .option('--ablation-folds <n>', 'cross-validation folds per ablation run', positiveInt('--ablation-folds'), 2)
    .option(
      '--strong-call-penalty <r>',
      'training cost of one mean strong call, in reward units',
      finiteNumber('--strong-call-penalty', STRONG_CALL_PENALTY),
      0,
    )
    .option('--seed <n>', 'first seed (the run uses seed, seed + 1, ...)', positiveInt('--seed'), 1)
    .option('--progress', 'show a progress bar even when stderr is not a TTY')
    .action(
      async (opts: {
        data: string;
        json?: string;
        folds: number;
        epochs: number;
        ablationEpochs: number;
        ablationFolds: number;
        ablation?: boolean;
        seeds: number;
        strongCallPenalty: number;
        seed: number;
        progress?: boolean;
      }) => {
        if (opts.folds < 2) throw new UserError('must be at least 2', { field: '--folds' });
        if (opts.ablationFolds < 2) throw new UserError('must be at least 2', { field: '--ablation-folds' });
        const dataset = loadRouteLLM(opts.data);
        const progress = createProgress('bench gsm8k', stderrIsTTY() || opts.progress === true);
        const result = await runGsm8kBench(dataset, {
          folds: opts.folds,
          epochs: opts.epochs,
          ablationEpochs: opts.ablationEpochs,
          ablationFolds: opts.ablationFolds,
          ablation: Boolean(opts.ablation),
          seeds: opts.seeds,
          firstSeed: opts.seed,
          strongCallPenalty: opts.strongCallPenalty,
          onProgress: (done, total) => progress.update(done, total, 'episodes'),
        });
        progress.stop();
        printGsm8k(result);
        if (opts.json) writeFileSync(opts.json, `${JSON.stringify(result, null, 2)}\n`);
      },
    );
}
