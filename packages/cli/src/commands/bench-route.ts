import { existsSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, parse } from 'node:path';
import type { MethodReport, RouteBenchReport, RouteMethod } from '@baton/agents/route-bench';
import { UserError } from '@baton/core';
import type { Command } from 'commander';
import { outputFile, positiveInt } from '../program.ts';
import { userCwd, userPath } from '../paths.ts';
import { createProgress, stderrIsTTY } from '../progress.ts';
import { table } from './synthetic-format.ts';
import { benchCommand } from './bench.ts';

/** Where the issue's data comes from (RouterBench's zero-shot subsets, kept outside the repo). */
const DATA_HINT =
  "get RouterBench's zero-shot CSVs from the public repository shuhao02/RouterDC, folder datasets/routerbench_zs/ " +
  '({arc_challenge,mbpp,winograde}_{train,test}.csv), keep them outside the repo and pass their folder as --data (see issue 13, Data)';

const pct = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : (x * 100).toFixed(1));
const half = (ci: [number, number] | null | undefined): number | null => (ci ? (ci[1] - ci[0]) / 2 : null);
const withCi = (mean: number | null | undefined, ci: [number, number] | null | undefined, scale: number, digits: number): string => {
  if (mean === null || mean === undefined || !Number.isFinite(mean)) return '-';
  const h = half(ci);
  const m = (mean * scale).toFixed(digits);
  return h === null || h * scale < 0.5 * 10 ** -digits ? m : `${m} ± ${(h * scale).toFixed(digits)}`;
};

/** The table, rules and verdict, on stdout. */
export function printRouteBench(r: RouteBenchReport): void {
  console.log(
    `route bench: ${r.task}, ${r.trainPrompts} train / ${r.testPrompts} test prompts, ${r.models.length} models, ${r.seeds} seeds (${r.seedList.join(', ')}), ` +
      `figures on the TEST split. Best single model (by train accuracy): ${r.bestModel}, test ${pct(r.bestAccuracy)}% at $${r.bestCostUsd.toPrecision(3)}/prompt.`,
  );
  const budgets = r.budgets;
  const row = (m: MethodReport): string[] => [
    m.name,
    withCi(m.aiq, m.aiqCi, 1, 3),
    ...budgets.map((b) => withCi(m.accAtBudget[String(b)], m.accAtBudgetCi[String(b)], 100, 1)),
    m.costShareToBest === null ? (m.reachedSeeds > 0 ? `- (${m.reachedSeeds}/${r.seeds} seeds)` : '-') : `${pct(m.costShareToBest)}%`,
  ];
  console.log(
    table(['method', 'AIQ', ...budgets.map((b) => `acc@${b * 100}%`), `cost share to ${pct(r.bestAccuracy)}%`], r.methods.map(row), '  '),
  );
  console.log(`\n${Object.values(r.rules).join('\n')}`);
  console.log(`\nmethods:\n${r.methods.map((m) => `  ${m.name}: ${m.description}`).join('\n')}`);
  console.log(`\nverdict:\n${r.verdict}`);
  console.log(`\nwall time ${r.wallSeconds.toFixed(1)} s`);
}

/** The default plot path: next to the JSON (`r.json` -> `r.svg`), else `route-<task>.svg` in the user's folder. */
export function defaultPlotPath(json: string | undefined, task: string): string {
  if (json) {
    const p = parse(json);
    return join(p.dir, `${p.name}.svg`);
  }
  return join(userCwd(), `route-${task}.svg`);
}

function checkData(dir: string, task: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`no folder ${dir}: ${DATA_HINT}`, { field: '--data' });
  for (const split of ['train', 'test']) {
    const file = join(dir, `${task}_${split}.csv`);
    if (!existsSync(file))
      throw new UserError(`no ${task}_${split}.csv in ${dir} (needed for --task ${task}): ${DATA_HINT}`, { field: '--data' });
  }
}

/** Picks `--methods` (exact names, or `single` for every single model) from the defaults, in the defaults' order. */
export function pickMethods(all: readonly RouteMethod[], names: readonly string[] | undefined): RouteMethod[] {
  if (!names) return [...all];
  const known = all.map((m) => m.name);
  for (const n of names)
    if (n !== 'single' && !known.includes(n))
      throw new UserError(
        `unknown method "${n}" (known: ${['single', ...known.filter((k) => !k.startsWith('single:'))].join(', ')}, single:<model>)`,
        {
          field: '--methods',
        },
      );
  return all.filter((m) => names.includes(m.name) || (names.includes('single') && m.name.startsWith('single:')));
}

const list =
  (flag: string) =>
  (value: string): string[] => {
    const items = value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (items.length === 0) throw new UserError('needs a comma-separated list', { field: flag });
    return items;
  };

export function register(program: Command): void {
  benchCommand(program)
    .command('route')
    .description(
      'Routing across N models on recorded outputs (issue 13): every baseline and learned method chosen on the train split, ' +
        'scored on the test split over seeds; accuracy at 10/25/50/100 % of the best single model cost, AIQ, a plot.',
    )
    .requiredOption('--data <dir>', 'folder with <task>_train.csv and <task>_test.csv (RouterBench wide format)')
    .requiredOption('--task <name>', 'task name, e.g. arc_challenge, mbpp, winograde')
    .option('--models <list>', 'comma-separated models to keep (default: all in the files)', list('--models'))
    .option('--seeds <n>', 'seeds per method (means and 95% CIs over them)', positiveInt('--seeds', 1000), 5)
    .option('--seed <n>', 'first seed (the run uses seed, seed + 1, ...)', positiveInt('--seed'), 1)
    .option('--methods <list>', 'comma-separated method names to run (default: all; "single" = every single model)', list('--methods'))
    .option('--json <file>', 'write the report here', outputFile('--json'))
    .option('--plot <file>', 'write the SVG plot here (default: next to --json as .svg, else route-<task>.svg here)', outputFile('--plot'))
    .option(
      '--epochs <n>',
      'passes over the train prompts for the learned methods (default: enough for 30,000 episodes, at least 10)',
      positiveInt('--epochs', 10_000),
    )
    .option('--progress', 'show a progress bar even when stderr is not a TTY')
    .action(
      async (opts: {
        data: string;
        task: string;
        models?: string[];
        seeds: number;
        seed: number;
        methods?: string[];
        json?: string;
        plot?: string;
        epochs?: number;
        progress?: boolean;
      }) => {
        const dir = userPath(opts.data);
        checkData(dir, opts.task);
        const [{ loadRecordedSplits }, bench] = await Promise.all([import('@baton/adapters'), import('@baton/agents/route-bench')]);
        const splits = loadRecordedSplits(dir, opts.task, opts.models ? { models: opts.models } : {});
        if (splits.skipped.length > 0) {
          const first = splits.skipped
            .slice(0, 3)
            .map((s) => `${basename(s.file)}:${s.line} ${s.reason.length > 40 ? `${s.reason.slice(0, 40)}...` : s.reason}`);
          console.log(`skipped ${splits.skipped.length} defective rows (${first.join('; ')}${splits.skipped.length > 3 ? '; ...' : ''})`);
        }
        const epochs = opts.epochs === undefined ? {} : { epochs: opts.epochs };
        const learned = bench.learnedMethods(epochs);
        const methods = pickMethods(bench.defaultRouteMethods(splits.train, learned), opts.methods);
        const progress = createProgress('bench route', stderrIsTTY() || opts.progress === true);
        const seeds = Array.from({ length: opts.seeds }, (_, i) => opts.seed + i);
        const report = await bench.runRouteBench(splits, methods, {
          seeds,
          onProgress: (done, total, label) => progress.update(done, total, label),
        });
        progress.stop();
        printRouteBench(report);
        const plot = opts.plot ?? defaultPlotPath(opts.json, opts.task);
        if (!existsSync(dirname(plot))) throw new UserError(`no folder ${dirname(plot)} for the plot`, { field: '--plot' });
        writeFileSync(plot, `${bench.routePlotSvg(report)}\n`);
        console.log(`plot: ${plot} (open it in a browser)`);
        if (opts.json) {
          writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
          console.log(`json: ${opts.json}`);
        }
      },
    );
}
