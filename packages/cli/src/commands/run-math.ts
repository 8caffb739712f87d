import { readFileSync } from 'node:fs';
import * as adapters from '@baton/adapters';
import { DRAFT_FEATURES, QUESTION_FEATURES, createMathCascade, newMathDraft, type MathFeature } from '@baton/agents';
import { InProcessRuntime, UserError, type BatonEvent, type ModelAdapter } from '@baton/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadHeads } from '../gsm8k/heads-file.ts';
import { API_KEY_HELP } from '../help.ts';
import { runCommand } from './run.ts';
import { loadRecorded } from './train.ts';

const modelSchema = z.object({
  provider: z.enum(['openai', 'anthropic', 'replay']),
  model: z.string().min(1),
  /** For `replay`: the recorded data (RouteLLM directory or RouterBench CSV). */
  data: z.string().optional(),
  baseURL: z.string().optional(),
});
const agentsSchema = z.object({
  weak: modelSchema,
  strong: modelSchema,
  heads: z.string().optional(),
  costWeight: z.number().nonnegative().optional(),
});
type ModelConfig = z.infer<typeof modelSchema>;

/** The provider factories `@baton/adapters` exports (createOpenAIModel, createAnthropicModel), looked up by name. */
const FACTORIES = { openai: 'createOpenAIModel', anthropic: 'createAnthropicModel' } as const;

function createModel(config: ModelConfig, field: string): ModelAdapter {
  if (config.provider === 'replay') {
    if (!config.data) throw new UserError('a replay model needs "data"', { field: `${field}.data` });
    return adapters.createReplayModel({ model: config.model, records: loadRecorded(config.data) });
  }
  const name = FACTORIES[config.provider];
  const factory: unknown = (adapters as Record<string, unknown>)[name];
  if (typeof factory !== 'function') {
    throw new UserError(`provider "${config.provider}" needs ${name} from @baton/adapters, which this build does not have yet`, {
      field: `${field}.provider`,
      code: 'user.provider-unavailable',
    });
  }
  return (factory as (c: { model: string; baseURL?: string }) => ModelAdapter)({
    model: config.model,
    ...(config.baseURL ? { baseURL: config.baseURL } : {}),
  });
}

export function register(program: Command): void {
  runCommand(program)
    .command('math')
    .description('Solve one problem with the cascade (weak solver -> checker -> strong solver) and trained heads.')
    .requiredOption('--problem <text>', 'the problem')
    .requiredOption('--agents <file>', 'JSON: {"weak": {"provider","model"}, "strong": {...}, "heads"?: "heads.json", "costWeight"?: n}')
    .option('--heads <file>', 'trained heads (from `baton train math --out`)')
    .addHelpText('after', API_KEY_HELP)
    .action(async (opts: { problem: string; agents: string; heads?: string }) => {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(opts.agents, 'utf8'));
      } catch (error) {
        throw new UserError(`cannot read ${opts.agents}: ${(error as Error).message}`, { field: '--agents', cause: error });
      }
      const parsed = agentsSchema.safeParse(raw);
      if (!parsed.success)
        throw new UserError(
          `${opts.agents}: ${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
          { field: '--agents' },
        );
      const headsPath = opts.heads ?? parsed.data.heads;
      if (!headsPath) throw new UserError('trained heads are required (--heads or "heads" in the agents file)', { field: '--heads' });
      const saved = loadHeads(headsPath);
      if (saved.workflow !== 'math-cascade') throw new UserError(`heads are for ${saved.workflow}, not math-cascade`, { field: '--heads' });
      // Each agent projects exactly the features its saved head was trained on.
      const featuresOf = (id: string): MathFeature[] => {
        const head = saved.heads[id];
        if (!head) throw new UserError(`no head for agent "${id}"`, { field: `--heads.${id}` });
        return head.toJSON().projectionKeys.map((k) => {
          if (!(k in DRAFT_FEATURES) && !(k in QUESTION_FEATURES))
            throw new UserError(`unknown feature "${k}"`, { field: `--heads.${id}` });
          return k as MathFeature;
        });
      };
      const workflow = createMathCascade({
        weakFeatures: featuresOf('weak'),
        checkerFeatures: featuresOf('checker'),
        strongFeatures: featuresOf('strong'),
        discount: 1,
        weak: createModel(parsed.data.weak, 'weak'),
        strong: createModel(parsed.data.strong, 'strong'),
        grader: () => 0,
        costWeight: parsed.data.costWeight ?? saved.costWeight,
      });
      const log: string[] = [];
      const sink = (e: BatonEvent): void => {
        if (e.type === 'decision')
          log.push(
            `${e.agent}: ${e.action}  (Q ${Object.entries(e.qValues)
              .map(([a, q]) => `${a}=${(q ?? 0).toFixed(3)}`)
              .join(' ')})`,
          );
      };
      const runtime = new InProcessRuntime({ workflow, heads: { ...saved.heads }, sinks: [sink] });
      const result = await runtime.runEpisode({ seed: 1, input: newMathDraft(opts.problem), learn: false });
      const last = result.artifact.value.attempts[result.artifact.value.attempts.length - 1];
      for (const line of log) console.log(line);
      console.log(
        `answer: ${last?.answer ?? '(none)'}  by ${last?.model ?? '-'}  path ${result.path.join(' -> ')}  $${result.costUsd.toFixed(5)}  ${result.tokens} tokens`,
      );
    });
}
