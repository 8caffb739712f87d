import type { AnswerLabel } from '@baton/agents';
import { UserError, type ModelAdapter } from '@baton/core';
import type { ReplayDataset } from './records.ts';
import { createReplayModel } from './replay-model.ts';

/** The data set's own True/False for a model's answer to a prompt: the label a recorded workflow is graded by. */
export function recordedLabel(dataset: ReplayDataset): AnswerLabel {
  const byPrompt = new Map(dataset.records.map((r) => [r.prompt, r.outputs]));
  return (problem, model) => byPrompt.get(problem)?.[model]?.score;
}

/** The models of a two-model data set: the weaker (lower mean score) first. */
export function modelPair(dataset: ReplayDataset): { weak: string; strong: string } {
  const mean = (m: string): number => dataset.records.reduce((s, r) => s + (r.outputs[m]?.score ?? 0), 0) / dataset.records.length;
  const [a, b] = dataset.models;
  if (!a || !b) throw new UserError('needs recorded outputs of at least two models', { field: 'data' });
  return mean(a) <= mean(b) ? { weak: a, strong: b } : { weak: b, strong: a };
}

/** Replay models for the weak and strong members of a two-model data set. */
export function replayPair(dataset: ReplayDataset): { weak: ModelAdapter; strong: ModelAdapter; names: { weak: string; strong: string } } {
  const names = modelPair(dataset);
  return {
    weak: createReplayModel({ model: names.weak, records: dataset }),
    strong: createReplayModel({ model: names.strong, records: dataset }),
    names,
  };
}
