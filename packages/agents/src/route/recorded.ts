import { UserError, type Workflow } from '@baton/core';
import { ANSWER_EXTRACTORS, type AnswerExtractor, type DraftAnswer } from './answers.ts';
import type { RouteArtifact } from './artifact.ts';
import { bestModel, modelMeans, type RecordedPrompt, type RecordedTask } from './task.ts';
import { routeWorkflow, type RouteModel, type RouteWorkflowConfig } from './workflow.ts';

/** Answers read with a task kind's built-in extractor, per prompts array (shared by every `selectModels` view of a task). */
const builtInAnswers = new WeakMap<readonly RecordedPrompt[], Map<string, Map<string, DraftAnswer>>>();

/**
 * Every draft's extracted answer, computed once per task (code answers parse Python: too slow to redo per episode,
 * or per workflow in a lambda sweep). The built-in extractor's answers are cached for the task's prompts.
 */
export function recordedAnswers(task: RecordedTask, extractor?: AnswerExtractor): Map<string, Map<string, DraftAnswer>> {
  const extract = extractor ?? ANSWER_EXTRACTORS[task.kind];
  const out = (extractor === undefined ? builtInAnswers.get(task.prompts) : undefined) ?? new Map<string, Map<string, DraftAnswer>>();
  for (const p of task.prompts) {
    const byModel = out.get(p.id) ?? new Map<string, DraftAnswer>();
    for (const model of task.models) {
      const d = p.drafts[model];
      if (d !== undefined && !byModel.has(model)) byModel.set(model, extract(d.text, p.prompt));
    }
    out.set(p.id, byModel);
  }
  if (extractor === undefined) builtInAnswers.set(task.prompts, out);
  return out;
}

/** Prompts by id, per prompts array (shared, like the answers, by every workflow over one task). */
const indexes = new WeakMap<readonly RecordedPrompt[], ReadonlyMap<string, RecordedPrompt>>();

function promptIndex(task: RecordedTask): ReadonlyMap<string, RecordedPrompt> {
  let index = indexes.get(task.prompts);
  if (!index) {
    index = new Map(task.prompts.map((p) => [p.id, p]));
    indexes.set(task.prompts, index);
  }
  return index;
}

/** Recorded drafters: each model "drafts" its recorded reply, cost and (cached) answer for the artifact's prompt id. */
export function recordedModels(task: RecordedTask, answers = recordedAnswers(task)): RouteModel[] {
  const index = promptIndex(task);
  return task.models.map((model) => ({
    id: model,
    draft: (artifact) => {
      const d = artifact.id === undefined ? undefined : index.get(artifact.id)?.drafts[model];
      if (d === undefined) throw new UserError(`no recorded draft of "${model}" for prompt ${artifact.id ?? '(no id)'}`, { field: 'id' });
      const answer = answers.get(artifact.id as string)?.get(model);
      return answer === undefined ? { text: d.text, costUsd: d.costUsd } : { text: d.text, costUsd: d.costUsd, answer };
    },
    available: (artifact) => artifact.id !== undefined && index.get(artifact.id)?.drafts[model] !== undefined,
  }));
}

/** The best single model's mean dollars per prompt on `task`: the unit lambda prices cost in. */
export function costScaleOf(task: RecordedTask): number {
  return Math.max(modelMeans(task, bestModel(task)).costUsd, 1e-12);
}

export type RecordedRouteOptions = Omit<RouteWorkflowConfig, 'models' | 'grade' | 'kind'>;

/** The route workflow over a recorded task: drafts come from the recording, R is the data set's score of the submitted draft. */
export function recordedRouteWorkflow(task: RecordedTask, options: RecordedRouteOptions): Workflow<RouteArtifact> {
  const index = promptIndex(task);
  return routeWorkflow({
    kind: task.kind,
    ...options,
    models: recordedModels(task, recordedAnswers(task, options.extractor)),
    grade: (artifact, draft) => (artifact.id === undefined ? 0 : (index.get(artifact.id)?.drafts[draft.model]?.score ?? 0)),
  });
}
