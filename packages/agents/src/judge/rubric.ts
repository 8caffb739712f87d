import { UserError } from '@baton/core';
import { z } from 'zod';

/** One thing a judge scores, e.g. `rigor`. */
export interface RubricAxis {
  /** A short identifier, used as the JSON key the judge must answer under. */
  readonly id: string;
  /** What a high score means; shown to the judge verbatim. */
  readonly description: string;
  /** Relative weight in the rubric's score (normalised to sum 1). */
  readonly weight: number;
}

export interface RubricConfig {
  readonly id: string;
  /** Bump whenever the wording, axes or weights change: verdicts under different versions are not comparable. */
  readonly version: string;
  readonly axes: readonly RubricAxis[];
  /** Integer score range every axis uses. Default 0..10. */
  readonly scale?: { readonly min: number; readonly max: number };
  /** Extra guidance for the judge (what to ignore, how strict to be). */
  readonly instructions?: string;
}

/** A validated rubric: weights sum to 1, the scale is set. Build with `defineRubric`. */
export interface Rubric extends RubricConfig {
  readonly scale: { readonly min: number; readonly max: number };
}

/** One axis as a judge answered it. */
export interface AxisScore {
  readonly score: number;
  readonly reason: string;
}

/**
 * Validates a rubric; every mistake is a UserError naming the field.
 * @example
 * const rubric = defineRubric({ id: 'proof', version: '2025-01', axes: [
 *   { id: 'correctness', description: 'every step follows', weight: 3 }, { id: 'clarity', description: 'easy to check', weight: 1 }] });
 */
export function defineRubric(config: RubricConfig): Rubric {
  if (!config.id) throw new UserError('is required', { field: 'rubric.id' });
  if (!config.version) throw new UserError('is required (verdicts record it)', { field: 'rubric.version' });
  // Checked as a plain-JS caller may write it: the list can be missing.
  if (!(config.axes as RubricConfig['axes'] | undefined)?.length)
    throw new UserError('at least one axis is required', { field: 'rubric.axes' });
  const scale = config.scale ?? { min: 0, max: 10 };
  if (!(Number.isInteger(scale.min) && Number.isInteger(scale.max) && scale.max > scale.min)) {
    throw new UserError(`must be integers with max > min, got ${scale.min}..${scale.max}`, { field: 'rubric.scale' });
  }
  const seen = new Set<string>();
  config.axes.forEach((axis, i) => {
    if (!/^[a-z][a-zA-Z0-9_]*$/.test(axis.id))
      throw new UserError(`must be an identifier, got "${axis.id}"`, { field: `rubric.axes[${i}].id` });
    if (seen.has(axis.id)) throw new UserError(`duplicate axis "${axis.id}"`, { field: `rubric.axes[${i}].id` });
    seen.add(axis.id);
    if (!(Number.isFinite(axis.weight) && axis.weight > 0))
      throw new UserError(`must be a positive number, got ${axis.weight}`, { field: `rubric.axes[${i}].weight` });
  });
  const total = config.axes.reduce((s, a) => s + a.weight, 0);
  const axes = config.axes.map((a) => Object.freeze({ ...a, weight: a.weight / total }));
  return Object.freeze({ ...config, scale: Object.freeze({ ...scale }), axes: Object.freeze(axes) });
}

function axisSchema(rubric: Rubric) {
  return z.object({
    score: z.number().int().min(rubric.scale.min).max(rubric.scale.max),
    reason: z.string().trim().min(1).max(600),
  });
}

/** The zod schema a judge's JSON must satisfy: `{ scores: { <axis>: { score, reason } } }`, every axis present. */
export function verdictSchema(rubric: Rubric): z.ZodType<{ scores: Record<string, AxisScore> }> {
  const shape: Record<string, ReturnType<typeof axisSchema>> = {};
  for (const axis of rubric.axes) shape[axis.id] = axisSchema(rubric);
  return z.object({ scores: z.object(shape) });
}

/** The rubric's score of a set of axis scores, in [0, 1]: the weighted mean of each axis rescaled to [0, 1]. */
export function rubricScore(rubric: Rubric, scores: Readonly<Record<string, AxisScore>>): number {
  const span = rubric.scale.max - rubric.scale.min;
  let total = 0;
  for (const axis of rubric.axes) {
    const s = scores[axis.id];
    if (!s) throw new UserError(`no score for axis "${axis.id}"`, { field: `scores.${axis.id}` });
    total += axis.weight * ((s.score - rubric.scale.min) / span);
  }
  return total;
}

/** The rubric as the judge reads it, including the exact JSON shape required. */
export function rubricPrompt(rubric: Rubric): string {
  const { min, max } = rubric.scale;
  const lines = rubric.axes.map((a) => `- ${a.id} (weight ${a.weight.toFixed(2)}): ${a.description}`);
  const example = Object.fromEntries(rubric.axes.map((a) => [a.id, { score: min, reason: 'one sentence' }]));
  return [
    `Rubric ${rubric.id} version ${rubric.version}. Score each axis with an integer from ${min} (worst) to ${max} (best):`,
    ...lines,
    ...(rubric.instructions ? [rubric.instructions] : []),
    `Answer with only a JSON object of exactly this shape: ${JSON.stringify({ scores: example })}`,
  ].join('\n');
}
