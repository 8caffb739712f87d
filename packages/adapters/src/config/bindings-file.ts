import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '@baton/core';
import { z } from 'zod';
import { modelBindingSchema, type ModelBinding } from './binding.ts';
import { parseConfigText } from './workflow-config.ts';

/** A model's name in a bindings file is the column it gets in recorded data: no `|` (the wide format's separator). */
const MODEL_NAME = /^[^\s|](?:[^|]*[^\s|])?$/;

/** A file of named model bindings: what `baton record` calls, one column group per name. */
export const bindingsFileSchema = z.strictObject({
  version: z.literal(1).optional().describe('1 (the default)'),
  models: z
    .record(z.string(), modelBindingSchema)
    .refine((models) => Object.keys(models).length > 0, 'needs at least one model')
    .describe("Model name (the recorded data's column) -> its binding, as an agent's model in a workflow config."),
});

/** A bindings file read and checked, with the folder its relative paths start from. */
export interface LoadedBindings {
  /** Name -> binding, in file order. */
  readonly bindings: Readonly<Record<string, ModelBinding>>;
  readonly file: string;
  readonly baseDir: string;
}

/**
 * Reads a bindings file (JSON, or YAML for `.yaml`/`.yml`): `{ "models": { "<name>": <binding>, ... } }`, each
 * binding in the workflow config's format (docs/config.md, "Model bindings"). Every problem is reported with its
 * line; keys are not read here (`modelFromBinding` does, and errors name the variable, never its value).
 * @example
 * const { bindings, baseDir } = loadBindings('models.yaml');
 * const models = Object.entries(bindings).map(([name, b]) => [name, modelFromBinding(b, process.env, { field: `models.${name}`, baseDir })]);
 */
export function loadBindings(path: string, field = '--agents'): LoadedBindings {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${(error as Error).message}`, { field, cause: error, code: 'user.unreadable-file' });
  }
  const { models } = parseConfigText(text, path, bindingsFileSchema);
  // zod reports a bad record key without its message, so names are checked here, after the bindings themselves.
  for (const name of Object.keys(models))
    if (!MODEL_NAME.test(name))
      throw new UserError(
        `${path}: models: "${name}": a model name has no "|" and no spaces at either end, e.g. "gpt-4o" or "org/model-7b"`,
        {
          field,
          code: 'user.invalid-config',
        },
      );
  return { bindings: models, file, baseDir: dirname(file) };
}
