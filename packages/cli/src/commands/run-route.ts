import { readFileSync } from 'node:fs';
import { loadBindings, modelFromBinding } from '@baton/adapters';
import {
  ANSWER_EXTRACTORS,
  DISPATCHER,
  loadRouteHeads,
  routeInput,
  routeWorkflow,
  sameAnswer,
  submittedDraft,
  type LoadedRouteHeads,
  type RouteArtifact,
  type RouteModel,
} from '@baton/agents/route';
import { withAuditLog } from '@baton/audit';
import { InProcessRuntime, UserError, type EpisodeResult, type EventSink, type ModelAdapter } from '@baton/core';
import type { Command } from 'commander';
import { API_KEY_HELP } from '../help.ts';
import { outputFile } from '../program.ts';
import { userPath } from '../paths.ts';
import { runCommand } from './run.ts';

interface RunRouteFlags {
  heads: string;
  agents: string;
  prompt: string;
  gold?: string;
  audit?: string;
  json?: boolean;
  seed: number;
}

/** One model's draft as a run reports it: what it said, the answer read from it, and what the call cost. */
export interface RouteRunDraft {
  readonly model: string;
  readonly answer: string | null;
  readonly refusal: boolean;
  readonly costUsd: number;
  readonly latencyMs: number;
  readonly text: string;
}

/** What `baton run route` prints (and `--json` writes). */
export interface RouteRunReport {
  readonly prompt: string;
  readonly drafts: readonly RouteRunDraft[];
  /** The draft submitted: its model and answer; undefined when nothing was drafted. */
  readonly submitted?: { readonly model: string; readonly answer: string | null };
  readonly costUsd: number;
  /** Models of the heads file that had no binding: never called. */
  readonly masked: readonly string[];
  /** Bindings of the agents file for models the heads do not route between: ignored. */
  readonly unused: readonly string[];
  /** `--gold` given: whether the submitted answer matches it. */
  readonly correct?: boolean;
  readonly audit?: { readonly file: string; readonly records: number; readonly verified: boolean; readonly signed: boolean };
}

function readHeads(path: string): LoadedRouteHeads {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(userPath(path), 'utf8'));
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${(error as Error).message}`, { field: '--heads', cause: error });
  }
  try {
    return loadRouteHeads(json);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    throw new UserError(`${path}: ${error.message}`, { field: '--heads', code: error.code, cause: error });
  }
}

/** The heads' models bound to adapters by the agents file; models without a binding are left out (masked). */
function bindModels(heads: LoadedRouteHeads, agentsFile: string): { adapters: Map<string, ModelAdapter>; unknown: string[] } {
  const { bindings, baseDir } = loadBindings(userPath(agentsFile), '--agents');
  const adapters = new Map<string, ModelAdapter>();
  for (const model of heads.models) {
    const binding = bindings[model];
    if (binding !== undefined) adapters.set(model, modelFromBinding(binding, process.env, { field: `models.${model}`, baseDir }));
  }
  if (adapters.size === 0)
    throw new UserError(`${agentsFile} binds none of the heads' models (${heads.models.join(', ')}); name them under "models"`, {
      field: '--agents',
    });
  return { adapters, unknown: Object.keys(bindings).filter((name) => !heads.models.includes(name)) };
}

/** A live route model: drafts by calling the bound adapter with the prompt, priced by the adapter. */
function liveModel(id: string, adapter: ModelAdapter | undefined, drafts: Map<string, { text: string; latencyMs: number }>): RouteModel {
  return {
    id,
    async draft(artifact: RouteArtifact, signal?: AbortSignal) {
      if (adapter === undefined) throw new UserError(`model "${id}" has no binding`, { field: '--agents' });
      const reply = await adapter.generate([{ role: 'user', content: artifact.prompt }], signal === undefined ? {} : { signal });
      drafts.set(id, { text: reply.text, latencyMs: reply.latencyMs });
      return { text: reply.text, costUsd: reply.costUsd };
    },
    available: () => adapter !== undefined,
  };
}

/** Runs one prompt through the trained route policy with live models (greedy: no exploration, no learning). */
export async function runRoute(flags: RunRouteFlags): Promise<RouteRunReport> {
  const prompt = flags.prompt.trim();
  if (prompt === '') throw new UserError('is empty', { field: '--prompt' });
  const heads = readHeads(flags.heads);
  const { adapters, unknown } = bindModels(heads, flags.agents);
  const extract = ANSWER_EXTRACTORS[heads.kind];
  if (flags.gold !== undefined && heads.kind === 'code')
    throw new UserError('code answers are checked by tests, not by a gold string', { field: '--gold' });
  const gold = flags.gold === undefined ? undefined : extract(flags.gold, prompt);
  if (gold !== undefined && gold.value === null)
    throw new UserError(`"${flags.gold ?? ''}" is not a ${heads.kind} answer to this prompt`, { field: '--gold' });
  const texts = new Map<string, { text: string; latencyMs: number }>();
  const workflow = routeWorkflow({
    kind: heads.kind,
    models: heads.models.map((id) => liveModel(id, adapters.get(id), texts)),
    lambda: heads.lambda,
    costScale: heads.costScale,
    maxDrafts: heads.maxDrafts,
    grade: (_artifact, draft) =>
      gold !== undefined && sameAnswer(gold, { value: draft.answer, refusal: draft.refusal, wellFormed: draft.wellFormed }) ? 1 : 0,
  });
  const run = (sinks: EventSink[]): Promise<EpisodeResult<RouteArtifact>> =>
    new InProcessRuntime({ workflow, heads: heads.heads, sinks }).runEpisode({
      seed: flags.seed,
      input: routeInput(prompt),
      learn: false,
      explore: false,
    });
  let result: EpisodeResult<RouteArtifact>;
  let audit: RouteRunReport['audit'];
  if (flags.audit) {
    const audited = await withAuditLog(flags.audit, (sink) => run([sink]), { overwrite: true });
    result = audited.value;
    audit = { file: flags.audit, records: audited.verify.records, verified: audited.verify.ok, signed: audited.verify.signed };
  } else result = await run([]);
  const value = result.artifact.value;
  const last = submittedDraft(value);
  return {
    prompt,
    drafts: value.drafts.map((d) => ({
      model: d.model,
      answer: d.answer,
      refusal: d.refusal,
      costUsd: d.costUsd,
      latencyMs: texts.get(d.model)?.latencyMs ?? 0,
      text: texts.get(d.model)?.text ?? '',
    })),
    ...(last === undefined ? {} : { submitted: { model: last.model, answer: last.answer } }),
    costUsd: result.costUsd,
    masked: heads.models.filter((m) => !adapters.has(m)),
    unused: unknown,
    ...(gold === undefined ? {} : { correct: result.terminalReward > 0 }),
    ...(audit === undefined ? {} : { audit }),
  };
}

const usd = (n: number): string => `$${n.toFixed(6)}`;

/** The lines `baton run route` prints. */
export function formatRouteRun(report: RouteRunReport, gold?: string): string {
  const lines: string[] = [];
  if (report.masked.length > 0) lines.push(`masked (no binding in the agents file): ${report.masked.join(', ')}`);
  if (report.unused.length > 0) lines.push(`ignored (bound, but not a model of the heads): ${report.unused.join(', ')}`);
  lines.push(`path: ${[DISPATCHER, ...report.drafts.map((d) => d.model)].join(' -> ')} -> submit`);
  for (const [i, d] of report.drafts.entries())
    lines.push(
      `  ${i + 1}. ${d.model.padEnd(24)} answer ${(d.answer ?? (d.refusal ? '(refused)' : '(none)')).padEnd(10)} ${usd(d.costUsd)}  ${Math.round(d.latencyMs)} ms`,
    );
  lines.push(
    report.submitted === undefined
      ? 'submitted: nothing (no draft was made)'
      : `submitted: ${report.submitted.answer ?? '(no answer)'} (${report.submitted.model}'s draft)`,
  );
  lines.push(`cost: ${usd(report.costUsd)} for ${report.drafts.length} draft(s)`);
  if (report.correct !== undefined) lines.push(`gold ${gold ?? ''}: ${report.correct ? 'correct' : 'wrong'}`);
  if (report.audit)
    lines.push(
      `audit log: ${report.audit.file} (${report.audit.records} records, ${report.audit.verified ? 'verified' : 'NOT intact'}${report.audit.signed ? ', signed' : ''})`,
    );
  return lines.join('\n');
}

/** `baton run route`: one prompt through trained route heads, each model bound to a live provider. */
export function register(program: Command): void {
  runCommand(program)
    .command('route')
    .description(
      'Answer one prompt with the trained route policy (from `baton train route --out`), each model of the heads bound to a live model in the agents file; prints the path, answers, the submitted answer and dollars.',
    )
    .requiredOption('--heads <file>', 'route heads JSON from `baton train route --out`')
    .requiredOption(
      '--agents <file>',
      'JSON or YAML: {"models": {"<model of the heads>": binding, ...}}; a binding is {"provider", "model", "baseURL"?, "apiKeyEnv"?, "prices"?} (docs/config.md)',
    )
    .requiredOption('--prompt <text>', 'the prompt, as the models should see it')
    .option('--gold <answer>', 'the right answer: grades the submitted one')
    .option(
      '--audit <file>',
      'write a hash-chained audit log of the episode (signed when BATON_AUDIT_KEY is set); replaces FILE',
      outputFile('--audit'),
    )
    .option('--json', 'print the report as JSON (drafts with their text) instead of lines')
    .addHelpText('after', API_KEY_HELP)
    .action(async (flags: Omit<RunRouteFlags, 'seed'>) => {
      const report = await runRoute({ ...flags, seed: 1 });
      console.log(flags.json ? JSON.stringify(report, null, 2) : formatRouteRun(report, flags.gold));
    });
}
