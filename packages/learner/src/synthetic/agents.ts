import { CONTINUE, SUBMIT, handoff, type Action } from '@baton/core';
import type { FeatureSpec } from '../encoder.ts';
import { KINDS, LEVELS, MAX_FATIGUE, SUCCESSORS, type SyntheticAgent } from './dynamics.ts';

/** A fixed pipeline: `[agent, units]` stages in order; the last stage submits. */
export type Pipeline = readonly (readonly [string, number])[];

/** O_i of a synthetic agent. Submit is in every agent's set: an exhausted budget forces it even on agents that may not choose it. */
export function agentActions(agent: string): Action[] {
  return [CONTINUE, ...SUCCESSORS[agent as SyntheticAgent].map(handoff), SUBMIT];
}

/** How a synthetic agent's interface is encoded for a neural head. */
export function agentFeatures(agent: string): FeatureSpec[] {
  const fatigue: FeatureSpec = { key: 'fatigue', from: 'private', oneHot: MAX_FATIGUE + 1 };
  const progress: FeatureSpec = { key: 'progress', from: 'projection', oneHot: LEVELS + 1 };
  if (agent === 'checker') return [progress, { key: 'flaw', from: 'projection' }, fatigue];
  return [{ key: 'kind', from: 'projection', oneHot: KINDS }, progress, fatigue];
}

/** The best fixed pipeline found by search on the default setting (see `candidatePipelines`). */
export const DEFAULT_PIPELINE: Pipeline = [
  ['drafter', 4],
  ['checker', 1],
];

/** Every fixed pipeline the search considers: drafter first, checker last, 1..4 units per stage. */
export function candidatePipelines(): Pipeline[] {
  const out: Pipeline[] = [];
  for (let a = 1; a <= 4; a++) {
    for (let c = 1; c <= 2; c++) {
      out.push([
        ['drafter', a],
        ['checker', c],
      ]);
      for (let s = 1; s <= 4; s++)
        out.push([
          ['drafter', a],
          ['solver', s],
          ['checker', c],
        ]);
    }
  }
  return out;
}
