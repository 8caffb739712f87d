import { existsSync, statSync } from 'node:fs';
import { UserError } from '@baton/core';
import type { ReplayDataset } from './records.ts';
import { loadRouteLLM } from './routellm.ts';
import { loadRouterBench } from './routerbench.ts';

/**
 * Recorded outputs from `path`: a RouteLLM GSM8K directory or responses CSV, else a RouterBench wide CSV (told apart
 * by its `|model_response` columns). `field` names the setting the path came from, for the error when it is missing.
 */
export function loadRecordedOutputs(path: string, field = 'data'): ReplayDataset {
  if (!existsSync(path)) throw new UserError(`${path} does not exist`, { field });
  if (statSync(path).isDirectory() || path.endsWith('gsm8k_responses.csv')) return loadRouteLLM(path);
  return loadRouterBench(path);
}
