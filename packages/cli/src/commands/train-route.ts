import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { loadRecordedSplits } from '@baton/adapters';
import {
  defaultEpochs,
  bestModel,
  DEFAULT_LAMBDAS,
  evaluateRoute,
  modelMeans,
  saveRouteHeads,
  trainRoute,
  type RecordedSplits,
  type RecordedTask,
  type RouteScore,
  type TrainedRoute,
} from '@baton/agents/route';
import { UserError } from '@baton/core';
import { Option, type Command } from 'commander';
import { finiteNumber, outputFile, positiveInt } from '../program.ts';
import { createProgress, stderrIsTTY, type Progress } from '../progress.ts';
import { userPath } from '../paths.ts';
import { trainCommand } from './run.ts';

interface TrainRouteFlags {
  data: string;
  task: string;
  models?: string;
  pool: 'pareto' | 'all';
  lambda?: number;
  budget?: number;
  seed: number;
  epochs?: number;
  maxDrafts: number;
  out?: string;
  progress?: boolean;
}

/** Lambda when neither --lambda nor --budget is given: a tenth of an accuracy point per best-model cost. */
export const DEFAULT_ROUTE_LAMBDA = 0.1;

/** A data-loader UserError re-told at the flag the user typed (`data` -> `--data`, `models` -> `--models`). */
function atFlag(error: unknown): never {
  if (error instanceof UserError && (error.field === 'data' || error.field === 'models')) {
    const bare = error.message.startsWith(`${error.field}: `) ? error.message.slice(error.field.length + 2) : error.message;
    throw new UserError(bare, { field: `--${error.field}`, code: error.code, cause: error });
  }
  throw error;
}

function loadSplits(flags: TrainRouteFlags): RecordedSplits {
  const models = flags.models
    ?.split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  if (models !== undefined && models.length === 0) throw new UserError('names no model', { field: '--models' });
  try {
    return loadRecordedSplits(userPath(flags.data), flags.task, models === undefined ? {} : { models });
  } catch (error) {
    return atFlag(error);
  }
}

/** One trained route scored on a split: accuracy, and dollars as a share of the best single model's (chosen on train). */
export interface SplitFigures {
  readonly accuracy: number;
  readonly costShare: number;
  readonly score: RouteScore;
}

async function figures(task: RecordedTask, trained: TrainedRoute, best: string): Promise<SplitFigures> {
  const score = await evaluateRoute(task, trained);
  const bestCost = modelMeans(task, best).costUsd;
  return { accuracy: score.accuracy, costShare: bestCost > 0 ? score.costUsd / bestCost : 0, score };
}

/**
 * Trains one route per lambda of the sweep on the train split and keeps the most accurate whose train cost share is
 * within `budget` (ties: the cheaper); when none is, the cheapest. Every figure it looks at is a train figure.
 */
async function trainForBudget(
  train: RecordedTask,
  budget: number,
  trainAt: (lambda: number, label: string) => Promise<TrainedRoute>,
  best: string,
): Promise<{ trained: TrainedRoute; sweep: { lambda: number; figures: SplitFigures }[]; withinBudget: boolean }> {
  const sweep: { lambda: number; figures: SplitFigures; trained: TrainedRoute }[] = [];
  for (const [i, lambda] of DEFAULT_LAMBDAS.entries()) {
    const trained = await trainAt(lambda, `lambda ${lambda} (${i + 1}/${DEFAULT_LAMBDAS.length})`);
    sweep.push({ lambda, trained, figures: await figures(train, trained, best) });
  }
  const within = sweep.filter((s) => s.figures.costShare <= budget + 1e-12);
  const better = (a: (typeof sweep)[number], b: (typeof sweep)[number]): boolean =>
    a.figures.accuracy > b.figures.accuracy + 1e-12 ||
    (Math.abs(a.figures.accuracy - b.figures.accuracy) <= 1e-12 && a.figures.costShare < b.figures.costShare);
  const cheapest = sweep.reduce((a, b) => (b.figures.costShare < a.figures.costShare ? b : a));
  const chosen = within.reduce<(typeof sweep)[number] | undefined>((a, b) => (a === undefined || better(b, a) ? b : a), undefined);
  return {
    trained: (chosen ?? cheapest).trained,
    sweep: sweep.map(({ lambda, figures: f }) => ({ lambda, figures: f })),
    withinBudget: chosen !== undefined,
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** The most common paths (models in draft order) of a scored split, most frequent first. */
export function commonPaths(score: RouteScore, top = 5): string[] {
  const total = Object.values(score.paths).reduce((a, b) => a + b, 0);
  return Object.entries(score.paths)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, top)
    .map(([path, n]) => `${pct(n / Math.max(1, total)).padStart(6)}  ${path.split('>').join(' -> ')}`);
}

async function trainRouteCommand(flags: TrainRouteFlags): Promise<void> {
  if (flags.lambda !== undefined && flags.budget !== undefined)
    throw new UserError('give --lambda or --budget, not both', { field: '--budget' });
  const { train, test, skipped } = loadSplits(flags);
  if (train.prompts.length === 0) throw new UserError(`${train.source} has no usable prompts`, { field: '--data' });
  if (skipped.length > 0) {
    const shown = skipped.slice(0, 3).map((s) => `${basename(s.file)}:${s.line}`);
    const reason = skipped[0]?.reason ?? '';
    console.log(
      `skipped ${skipped.length} defective rows (${shown.join(', ')}${skipped.length > 3 ? ', ...' : ''}; the first: ${reason.length > 60 ? `${reason.slice(0, 60)}...` : reason})`,
    );
  }
  const best = bestModel(train);
  const progress: Progress = createProgress('train route', flags.progress ?? stderrIsTTY());
  const runs = flags.budget === undefined ? 1 : DEFAULT_LAMBDAS.length;
  const epochs = flags.epochs ?? defaultEpochs(train.prompts.length);
  const perRun = epochs * train.prompts.length;
  let finished = 0;
  let trainSeconds = 0;
  const trainAt = async (lambda: number, label: string): Promise<TrainedRoute> => {
    const trained = await trainRoute(train, {
      lambda,
      seed: flags.seed,
      epochs,
      maxDrafts: flags.maxDrafts,
      pool: flags.pool,
      onProgress: (done) => progress.update(finished * perRun + done, runs * perRun, label),
    });
    finished++;
    trainSeconds += trained.seconds;
    return trained;
  };
  let trained: TrainedRoute;
  let sweep: { lambda: number; figures: SplitFigures }[] = [];
  let withinBudget = true;
  try {
    if (flags.budget === undefined)
      trained = await trainAt(flags.lambda ?? DEFAULT_ROUTE_LAMBDA, `lambda ${flags.lambda ?? DEFAULT_ROUTE_LAMBDA}`);
    else ({ trained, sweep, withinBudget } = await trainForBudget(train, flags.budget, trainAt, best));
  } finally {
    progress.stop();
  }
  const onTrain = await figures(train, trained, best);
  const onTest = await figures(test, trained, best);
  const bestTrain = modelMeans(train, best);
  const bestTest = modelMeans(test, best);

  console.log(
    `${train.name}: ${train.prompts.length} train / ${test.prompts.length} test prompts, ${train.models.length} models; best single model (train): ${best}`,
  );
  console.log(`pool (${flags.pool === 'all' ? 'all models' : "the train split's Pareto models"}): ${trained.models.join(', ')}`);
  if (flags.budget !== undefined) {
    console.log(`lambda sweep on train (cost share of ${best}'s cost):`);
    for (const s of sweep)
      console.log(
        `  lambda ${String(s.lambda).padEnd(5)} accuracy ${pct(s.figures.accuracy).padStart(6)}  cost ${pct(s.figures.costShare).padStart(6)}${s.lambda === trained.lambda ? '  <- chosen' : ''}`,
      );
    console.log(
      withinBudget
        ? `lambda ${trained.lambda}: the most accurate on train within --budget ${flags.budget} of ${best}'s cost`
        : `no lambda keeps the train cost within --budget ${flags.budget}; lambda ${trained.lambda} is the cheapest`,
    );
  }
  console.log('split  accuracy  cost share   best single model');
  for (const [name, f, b] of [
    ['train', onTrain, bestTrain],
    ['test', onTest, bestTest],
  ] as const)
    console.log(`${name.padEnd(5)}  ${pct(f.accuracy).padStart(8)}  ${pct(f.costShare).padStart(10)}   ${pct(b.accuracy)} at 100%`);
  console.log(
    `trained lambda ${trained.lambda}, ${trained.episodes} episodes (${epochs} epochs) in ${trained.seconds.toFixed(1)} s${runs > 1 ? `; the whole sweep ${trainSeconds.toFixed(1)} s` : ''}; mean drafts on test ${onTest.score.meanDrafts.toFixed(2)}`,
  );
  console.log('most common paths on test:');
  for (const line of commonPaths(onTest.score)) console.log(`  ${line}`);
  if (flags.out) {
    writeFileSync(flags.out, `${JSON.stringify(saveRouteHeads(trained, { kind: train.kind, task: train.name }), null, 2)}\n`);
    console.log(`heads saved to ${flags.out}`);
  }
}

/** `baton train route`: route heads over N recorded models, trained on a task's train split. */
export function register(program: Command): void {
  trainCommand(program)
    .command('route')
    .description(
      "Route each prompt across N recorded models (IC-Q heads per agent and draft position), trained on the task's train split; prints train and test accuracy and cost, writes heads for `baton run route`.",
    )
    .requiredOption(
      '--data <dir>',
      'folder with <task>_train.csv and <task>_test.csv (RouterBench wide format), or a RouteLLM GSM8K folder',
    )
    .requiredOption('--task <name>', 'task name, e.g. arc_challenge or mbpp (picks the files and the answer kind)')
    .option('--models <a,b,...>', 'recorded models to use, in this order (default: all)')
    .addOption(
      new Option('--pool <which>', "models the route may call: the train split's Pareto models, or all")
        .choices(['pareto', 'all'])
        .default('pareto'),
    )
    .option(
      '--lambda <x>',
      `reward = correct - lambda x dollars / the best single model's mean dollars (default ${DEFAULT_ROUTE_LAMBDA})`,
      finiteNumber('--lambda', { min: 0, max: 1000 }),
    )
    .option(
      '--budget <share>',
      "pick lambda on train: the most accurate whose train cost is within this share of the best single model's",
      finiteNumber('--budget', { min: 0, max: 10, exclusive: true }),
    )
    .option('--epochs <n>', 'passes over the train prompts (default: enough for 30,000 episodes, at least 10)', positiveInt('--epochs'))
    .option('--max-drafts <n>', 'most drafts per prompt', positiveInt('--max-drafts', 20), 3)
    .option('--seed <n>', 'seed', positiveInt('--seed'), 1)
    .option('--out <file>', 'write the trained heads (JSON, for `baton run route --heads`)', outputFile('--out'))
    .option('--progress', 'show a progress bar even when stderr is not a terminal')
    .option('--no-progress', 'never show a progress bar')
    .action((flags: TrainRouteFlags) => trainRouteCommand(flags));
}
