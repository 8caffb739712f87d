import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { modelBindingSchema, modelFromBinding } from '@baton/adapters';
import { DRAFT_FEATURES, QUESTION_FEATURES, createMathCascade, newMathDraft, type MathFeature } from '@baton/agents';
import { InProcessRuntime, UserError, type BatonEvent } from '@baton/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadHeads } from '../gsm8k/heads-file.ts';
import { API_KEY_HELP } from '../help.ts';
import { runCommand } from './run.ts';
import { userPath } from '../paths.ts';

// The weak and strong models are model bindings, as in workflow config files (docs/config.md): strict, with prices
// for a model outside the price table and keys only where they belong.
const agentsSchema = z.strictObject({
  weak: modelBindingSchema,
  strong: modelBindingSchema,
  heads: z.string().optional(),
  costWeight: z.number().nonnegative().optional(),
});

export function register(program: Command): void {
  runCommand(program)
    .command('math')
    .description('Solve one problem with the cascade (weak solver -> checker -> strong solver) and trained heads.')
    .requiredOption('--problem <text>', 'the problem')
    .requiredOption(
      '--agents <file>',
      'JSON: {"weak": binding, "strong": binding, "heads"?: "heads.json", "costWeight"?: n}; a binding is {"provider", "model", "baseURL"?, "apiKeyEnv"?, "prices"?, "data"?} (docs/config.md)',
    )
    .option('--heads <file>', 'trained heads (from `baton train math --out`)')
    .addHelpText('after', API_KEY_HELP)
    .action(async (opts: { problem: string; agents: string; heads?: string }) => {
      const agentsFile = userPath(opts.agents);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(agentsFile, 'utf8'));
      } catch (error) {
        throw new UserError(`cannot read ${opts.agents}: ${(error as Error).message}`, { field: '--agents', cause: error });
      }
      const parsed = agentsSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const what = issue?.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue?.message;
        throw new UserError(`${opts.agents}: ${issue?.path.join('.') || '(top level)'}: ${what ?? 'invalid'}`, { field: '--agents' });
      }
      // The models first: a bad binding is reported before any heads are read.
      const weak = modelFromBinding(parsed.data.weak, process.env, { field: 'weak', baseDir: dirname(agentsFile) });
      const strong = modelFromBinding(parsed.data.strong, process.env, { field: 'strong', baseDir: dirname(agentsFile) });
      const inFile = parsed.data.heads === undefined ? undefined : resolve(dirname(agentsFile), parsed.data.heads);
      const headsPath = opts.heads === undefined ? inFile : userPath(opts.heads);
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
        weak,
        strong,
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
