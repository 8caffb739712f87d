import { loadRecordedOutputs, recordedLabel, replayPair, type ReplayDataset } from '@baton/adapters';
import { cascadeWorkflow, newCascadeHeads } from '@baton/agents';
import { InProcessRuntime, Rng, UserError, type HandoffHead } from '@baton/core';
import { LinearIcqHead } from '@baton/learner';
import type { Command } from 'commander';
import { escalationScores, evaluateAtOffset, trainHeads } from '../gsm8k/experiment.ts';
import { loadHeads, saveHeads } from '../gsm8k/heads-file.ts';
import { decileThresholds, ROUTING_TERMS, routingMetrics, type CurvePoint, type RoutingMetrics } from '../gsm8k/metrics.ts';
import { finiteNumber, outputFile, positiveInt, STRONG_CALL_PENALTY } from '../program.ts';
import { createProgress } from '../progress.ts';
import { trainCommand } from './run.ts';

/** RouteLLM directory or responses CSV, or a RouterBench wide CSV (told apart by its `|model_response` columns). */
export function loadRecorded(path: string): ReplayDataset {
  return loadRecordedOutputs(path, '--data');
}

/**
 * The two models to train on: `spec` ("a,b") picks them from a data set that records more (RouterBench has many);
 * without it the first two are used. The weaker of the pair (lower mean score) becomes the weak model either way.
 */
export function selectModels(dataset: ReplayDataset, spec: string | undefined): ReplayDataset {
  if (spec === undefined) return dataset;
  const names = spec
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  if (names.length !== 2 || names[0] === names[1])
    throw new UserError(`expected two different model names "a,b", got "${spec}"`, { field: '--models' });
  for (const name of names) {
    if (!dataset.models.includes(name))
      throw new UserError(`no model "${name}" in ${dataset.source}; it has ${dataset.models.join(', ')}`, { field: '--models' });
  }
  return { ...dataset, models: names };
}

/** Reward per dollar that makes one mean strong call cost `penalty`; a penalty on free calls is a contradiction. */
function strongCallCostWeight(penalty: number, strongUsd: readonly number[]): number {
  const mean = strongUsd.reduce((a, b) => a + b, 0) / strongUsd.length;
  if (penalty === 0) return 0;
  if (!(mean > 0))
    throw new UserError(`the strong model's recorded calls cost $0, so --strong-call-penalty ${penalty} cannot become a cost per dollar`, {
      field: '--strong-call-penalty',
    });
  return penalty / mean;
}

/**
 * The CPT/APGR line. Both measure the share of the weak-to-strong accuracy gap a router recovers, so with no gap on
 * the held-out prompts (tiny data: both models right, or wrong, on the same ones) they are undefined, and say so.
 */
export function formatMetrics(metrics: RoutingMetrics, weakAccuracy: number, strongAccuracy: number, heldOut: number): string {
  const small = heldOut < 30 ? ` (only ${heldOut} held-out prompts: expect wide error)` : '';
  if (weakAccuracy === strongAccuracy)
    return `CPT(50%)=n/a CPT(80%)=n/a APGR=n/a: both models score ${(weakAccuracy * 100).toFixed(1)}% on the ${heldOut} held-out prompts, so there is no gap to recover`;
  const apgr = Number.isFinite(metrics.apgr) ? metrics.apgr.toFixed(3) : 'n/a (the curve has one point)';
  return `CPT(50%)=${(metrics.cpt50 * 100).toFixed(1)}% CPT(80%)=${(metrics.cpt80 * 100).toFixed(1)}% APGR=${apgr}${small}`;
}

interface TrainOpts {
  data: string;
  models?: string;
  out?: string;
  heads?: string;
  epochs: number;
  seed: number;
  holdout: number;
  strongCallPenalty: number;
}

async function trainMath(opts: TrainOpts): Promise<void> {
  if (!(opts.holdout > 0 && opts.holdout < 1)) throw new UserError(`must be in (0, 1), got ${opts.holdout}`, { field: '--holdout' });
  const dataset = selectModels(loadRecorded(opts.data), opts.models);
  if (opts.models === undefined && dataset.models.length > 2) {
    console.log(
      `${dataset.source} records ${dataset.models.length} models; using ${dataset.models.slice(0, 2).join(' and ')} (choose with --models a,b)`,
    );
  }
  const models = replayPair(dataset);
  const prompts = dataset.records.map((r) => r.prompt);
  const rng = new Rng(opts.seed);
  const isTest = prompts.map(() => rng.next() < opts.holdout);
  const trainSet = prompts.filter((_, i) => !isTest[i]);
  const testSet = prompts.filter((_, i) => isTest[i]);
  if (trainSet.length === 0 || testSet.length === 0)
    throw new UserError(
      `${dataset.source} has ${prompts.length} prompts; --holdout ${opts.holdout} leaves ${trainSet.length} to train on and ${testSet.length} to evaluate, and both need at least one (use more data)`,
      { field: '--holdout' },
    );
  const strongUsd = (await Promise.all(prompts.map((p) => models.strong.generate([{ role: 'user', content: p }])))).map((r) => r.costUsd);
  const costWeight = strongCallCostWeight(opts.strongCallPenalty, strongUsd);
  const wf = cascadeWorkflow(recordedLabel(dataset), models, costWeight);
  const saved = opts.heads ? loadHeads(opts.heads) : undefined;
  if (saved && saved.workflow !== wf.name) throw new UserError(`heads are for ${saved.workflow}, not ${wf.name}`, { field: '--heads' });
  const heads: Record<string, HandoffHead> = saved ? { ...saved.heads } : { ...newCascadeHeads(wf) };
  const runtime = new InProcessRuntime({ workflow: wf, heads });
  // A bar on a terminal: RouterBench files hold tens of thousands of prompts, times the epochs.
  const progress = createProgress('train math');
  const episodes = trainSet.length * opts.epochs;
  let trained = 0;
  await trainHeads(runtime, trainSet, {
    epochs: opts.epochs,
    seed: opts.seed,
    costWeight,
    onEpisode: () =>
      progress.update(++trained, episodes, `epoch ${Math.min(opts.epochs, Math.floor(trained / trainSet.length) + 1)}/${opts.epochs}`),
  });
  progress.stop();

  const scores = await escalationScores(runtime, heads, testSet);
  const thresholds = decileThresholds(scores);
  const curve: CurvePoint[] = [];
  for (let i = 0; i < thresholds.length; i++) {
    const t = thresholds[i] as number;
    const r = await evaluateAtOffset(wf, heads, testSet, i === thresholds.length - 1 ? t : t - 1e-9);
    curve.push({
      strongShare: r.strong / testSet.length,
      accuracy: r.correct / testSet.length,
      dollarsPerPrompt: r.dollars / testSet.length,
    });
  }
  const byName = new Map(dataset.records.map((r) => [r.prompt, r]));
  const acc = (m: string): number => testSet.reduce((s, p) => s + (byName.get(p)?.outputs[m]?.score ?? 0), 0) / testSet.length;
  const weakAccuracy = acc(models.names.weak);
  const strongAccuracy = acc(models.names.strong);
  const metrics = routingMetrics(curve, weakAccuracy, strongAccuracy);
  console.log(
    `${wf.name}: trained on ${trainSet.length} prompts, evaluated on ${testSet.length} held out; ${models.names.weak} vs ${models.names.strong}`,
  );
  console.log('strong share  accuracy  $/prompt');
  for (const p of [...curve].reverse())
    console.log(
      `${(p.strongShare * 100).toFixed(1).padStart(11)}%  ${(p.accuracy * 100).toFixed(1).padStart(7)}%  $${(p.dollarsPerPrompt ?? 0).toFixed(5)}`,
    );
  console.log(formatMetrics(metrics, weakAccuracy, strongAccuracy, testSet.length));
  console.log(ROUTING_TERMS);
  if (opts.out) {
    const linear: Record<string, LinearIcqHead> = {};
    for (const [id, h] of Object.entries(heads)) if (h instanceof LinearIcqHead) linear[id] = h;
    saveHeads(opts.out, {
      workflow: 'math-cascade',
      models: { weak: models.names.weak, strong: models.names.strong },
      costWeight,
      heads: linear,
    });
    console.log(`heads saved to ${opts.out}`);
  }
}

export function register(program: Command): void {
  trainCommand(program)
    .command('math')
    .description('the cascade on recorded outputs: weak solver -> checker -> strong solver; prints the accuracy-cost table')
    .requiredOption('--data <path>', 'RouteLLM GSM8K directory / responses CSV, or a RouterBench wide CSV')
    .option('--models <a,b>', 'the two recorded models to use (default: the first two in the file); the weaker becomes the weak model')
    .option('--out <file>', 'save the trained heads (JSON)', outputFile('--out'))
    .option('--heads <file>', 'warm start from saved heads')
    .option('--epochs <n>', 'training passes', positiveInt('--epochs'), 4)
    .option(
      '--holdout <share>',
      'share of prompts held out for the table',
      finiteNumber('--holdout', { min: 0, max: 1, exclusive: true }),
      0.2,
    )
    .option(
      '--strong-call-penalty <r>',
      'reward cost of one mean strong-model call (sets the cost weight)',
      finiteNumber('--strong-call-penalty', STRONG_CALL_PENALTY),
      0,
    )
    .option('--seed <n>', 'seed', positiveInt('--seed'), 7)
    .action((opts: TrainOpts) => trainMath(opts));
}
