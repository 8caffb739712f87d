import { mkdirSync, accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  configuredDefinition,
  bindingOf,
  keySourceOf,
  DEFAULT_EPISODE_DEADLINE_MS,
  loadHeadsFor,
  loadProblems,
  loadWorkflowConfig,
  saveHeadsFile,
  type ConfiguredDefinition,
  type LoadedConfig,
  type Problem,
} from '@baton/adapters';
import { EpisodeError, InProcessRuntime, UserError, type BatonEvent, type EpisodeResult, type HandoffHead } from '@baton/core';
import { userPath } from './paths.ts';
import { createProgress } from './progress.ts';

/** Flags `baton run --config` and `baton train --config` share. */
export interface ConfigFlags {
  readonly config: string;
  readonly heads?: string;
  readonly out?: string;
  readonly problems?: string;
  readonly problem?: string;
  readonly limit?: number;
  readonly seed: number;
  readonly progress?: boolean;
}

/** A config file made ready: its definition, the problems to run, and where heads come from and go to. */
export interface PreparedConfig {
  readonly loaded: LoadedConfig;
  readonly definition: ConfiguredDefinition;
  readonly problems: readonly Problem[];
  readonly headsIn: string | undefined;
  readonly headsOut: string | undefined;
  readonly episodeMs: number;
}

/** Reads the config and everything it points at, so a bad path fails before any model is called. */
export function prepareConfig(flags: ConfigFlags): PreparedConfig {
  const loaded = loadWorkflowConfig(userPath(flags.config));
  const { config, baseDir } = loaded;
  const fromFile = (path: string | undefined): string | undefined => (path === undefined ? undefined : resolve(baseDir, path));
  let problems: Problem[] = [];
  if (flags.problem !== undefined) problems = [{ question: flags.problem }];
  else if (flags.problems !== undefined) problems = loadProblems(userPath(flags.problems), '--problems');
  else if ('problems' in config && config.problems !== undefined) problems = loadProblems(resolve(baseDir, config.problems), 'problems');
  if (flags.limit !== undefined) problems = problems.slice(0, flags.limit);
  const definition = configuredDefinition(config, { env: process.env, baseDir, problems });
  return {
    loaded,
    definition,
    problems,
    headsIn: flags.heads === undefined ? fromFile(config.heads?.load) : userPath(flags.heads),
    headsOut: flags.out === undefined ? fromFile(config.heads?.save) : userPath(flags.out),
    episodeMs: config.deadlines?.episodeMs ?? DEFAULT_EPISODE_DEADLINE_MS,
  };
}

/**
 * One line per agent: what it calls and where, and which environment variable holds its key (never the value; an
 * unset one is said so).
 */
export function describeAgents(config: LoadedConfig['config'], env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const agents = config.agents as Readonly<Record<string, Record<string, unknown>>>;
  return Object.entries(agents).map(([id, agent]) => {
    const role = typeof agent['role'] === 'string' ? agent['role'] : 'agent';
    if (typeof agent['provider'] !== 'string') return `  ${id}: ${role} (no model)`;
    const where = typeof agent['baseURL'] === 'string' ? ` at ${agent['baseURL']}` : '';
    const source = keySourceOf(bindingOf(agent));
    const key =
      agent['provider'] === 'replay'
        ? 'recorded outputs'
        : source === undefined
          ? 'no key'
          : `key from ${source}${env[source] ? '' : ', not set'}`;
    return `  ${id}: ${role}, ${agent['provider']} ${String(agent['model'])}${where} (${key})`;
  });
}

/** The heads to start from: the saved ones when there are any, fresh ones when `fresh` allows it. */
export function startingHeads(prepared: PreparedConfig, fresh: boolean): Record<string, HandoffHead> {
  const { definition, headsIn } = prepared;
  if (headsIn !== undefined) return loadHeadsFor(definition, headsIn);
  if (!fresh)
    throw new UserError(
      'trained heads are required: pass --heads, or set heads.load in the config (train them with `baton train --config`)',
      {
        field: '--heads',
      },
    );
  return Object.fromEntries(definition.workflow.agents.map((a) => [a.id, definition.createHead(a.id)]));
}

/** Fails before any work when the heads could not be written at the end. */
export function checkWritable(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    accessSync(dirname(path), constants.W_OK);
  } catch (error) {
    throw new UserError(`cannot write heads to ${path}: ${(error as Error).message}`, { field: '--out', cause: error });
  }
}

export function saveHeads(prepared: PreparedConfig, heads: Readonly<Record<string, HandoffHead>>, path: string): void {
  const { definition, loaded } = prepared;
  const models = Object.fromEntries(Object.entries(definition.models).map(([id, m]) => [id, `${m.provider}/${m.model}`]));
  saveHeadsFile(path, definition.workflow.name, heads, {
    models,
    ...(loaded.config.costWeight === undefined ? {} : { costWeight: loaded.config.costWeight }),
  });
}

/** What a series of episodes came to, for the summary and `--json`. */
export interface EpisodeSeries {
  readonly results: EpisodeResult<unknown>[];
  readonly seconds: number;
}

/**
 * Runs `count` episodes in-process over the problems (episode i gets problem i mod n), each under the episode
 * deadline, with a progress bar on a terminal. A deadline that passes ends the run with `episode.deadline`.
 */
export async function runEpisodes(
  prepared: PreparedConfig,
  heads: Record<string, HandoffHead>,
  options: { count: number; seed: number; learn: boolean; progress?: boolean; sink?: (event: BatonEvent) => void },
): Promise<EpisodeSeries> {
  const { definition, episodeMs } = prepared;
  const input = definition.input;
  if (!input) throw new UserError('no problems to run: pass --problem, --problems, or set problems in the config', { field: '--problems' });
  const runtime = new InProcessRuntime({ workflow: definition.workflow, heads, ...(options.sink ? { sinks: [options.sink] } : {}) });
  const bar = createProgress(options.learn ? 'training' : 'running', options.progress);
  const started = performance.now();
  const results: EpisodeResult<unknown>[] = [];
  try {
    for (let i = 0; i < options.count; i++) {
      const signal = AbortSignal.timeout(episodeMs);
      try {
        results.push(await runtime.runEpisode({ seed: options.seed + i, input: input(i), learn: options.learn, signal }));
      } catch (error) {
        if (!signal.aborted) throw error;
        throw new EpisodeError(`episode ${i + 1} passed its deadline of ${episodeMs} ms (deadlines.episodeMs in the config)`, {
          code: 'episode.deadline',
          cause: error,
        });
      }
      bar.update(i + 1, options.count, `episode ${i + 1}/${options.count}`);
    }
  } finally {
    bar.stop();
  }
  return { results, seconds: (performance.now() - started) / 1000 };
}

/** The summary lines: solved share (the grader's 1s), return, dollars, and how often each path was taken. */
export function summarize(series: EpisodeSeries, graded: boolean): string[] {
  const { results } = series;
  const n = results.length;
  const sum = (f: (r: EpisodeResult<unknown>) => number): number => results.reduce((s, r) => s + f(r), 0);
  const paths = new Map<string, number>();
  for (const r of results) paths.set(r.path.join(' -> '), (paths.get(r.path.join(' -> ')) ?? 0) + 1);
  const lines = [
    `${n} episode${n === 1 ? '' : 's'} in ${series.seconds.toFixed(1)} s: mean return ${(sum((r) => r.return) / n).toFixed(4)}, ` +
      `$${sum((r) => r.costUsd).toFixed(6)} in all ($${(sum((r) => r.costUsd) / n).toFixed(6)} per episode), ${sum((r) => r.tokens)} tokens`,
  ];
  if (graded)
    lines.push(`solved ${((100 * sum((r) => r.terminalReward)) / n).toFixed(1)}% (final answer equal to the problem's gold answer)`);
  lines.push('paths:');
  for (const [path, count] of [...paths].sort((a, b) => b[1] - a[1]))
    lines.push(`  ${((100 * count) / n).toFixed(1).padStart(5)}%  ${path}`);
  return lines;
}
