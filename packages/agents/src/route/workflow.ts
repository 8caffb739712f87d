import { SUBMIT, defineWorkflow, handoff, handoffTarget, type Action, type AgentOption, type Workflow } from '@baton/core';
import { ANSWER_EXTRACTORS, type AnswerExtractor, type AnswerKind, type DraftAnswer } from './answers.ts';
import { routeArtifactSchema, submittedDraft, type RouteArtifact, type RouteDraft } from './artifact.ts';
import { dispatcherInterface, routeInterface } from './interface.ts';

/** The dispatcher's agent id: it sees only the prompt and picks the first model. */
export const DISPATCHER = 'dispatcher';

/** What a model agent needs: a way to draft (a live model call or a recorded reply) and, optionally, which prompts it can answer. */
export interface RouteModel {
  readonly id: string;
  draft(artifact: RouteArtifact, signal?: AbortSignal): Promise<ModelReply> | ModelReply;
  /** False when this model cannot answer the prompt (a recording without it): handoffs to it are masked. Default true. */
  available?(artifact: RouteArtifact): boolean;
}

/** A model's reply: the text and its dollars; `answer` when the caller already extracted it (recorded drafts cache it). */
export interface ModelReply {
  readonly text: string;
  readonly costUsd: number;
  readonly answer?: DraftAnswer;
}

export interface RouteWorkflowConfig {
  readonly kind: AnswerKind;
  /** One agent per model, in this order. */
  readonly models: readonly RouteModel[];
  /** Reads answers from drafts; default the kind's built-in extractor. */
  readonly extractor?: AnswerExtractor;
  /** Reward = correctness - lambda x dollars / costScale. */
  readonly lambda: number;
  /** Dollars that count as one unit of cost (e.g. the best single model's mean cost per prompt). */
  readonly costScale: number;
  /** Most drafts per prompt (default 3). */
  readonly maxDrafts?: number;
  /** R for a submitted draft: 1 correct, 0 not (recorded: the data set's score; live: a gold answer if any). */
  readonly grade: (artifact: RouteArtifact, draft: RouteDraft) => number;
  /** The prompt-only dispatcher picks the first model (default true); else the first model listed starts. */
  readonly dispatcher?: boolean;
}

/** The drafted artifact after `model` answered `text` at `costUsd`. */
export function withDraft(artifact: RouteArtifact, model: string, reply: ModelReply, extract: AnswerExtractor): RouteArtifact {
  const answer = reply.answer ?? extract(reply.text, artifact.prompt);
  const { costUsd } = reply;
  const draft: RouteDraft = {
    model,
    answer: answer.value,
    wellFormed: answer.wellFormed,
    refusal: answer.refusal,
    length: reply.text.length,
    costUsd,
  };
  return { ...artifact, drafts: [...artifact.drafts, draft] };
}

/**
 * Routing one prompt across N models: the dispatcher hands the prompt to a first model; each model agent drafts, then
 * its head submits its own draft or hands the artifact (prompt + drafts so far) to a model that has not drafted yet.
 * Handoffs to drafted or unavailable models are masked; after `maxDrafts` drafts only submit is left.
 */
export function routeWorkflow(config: RouteWorkflowConfig): Workflow<RouteArtifact> {
  const ids = config.models.map((m) => m.id);
  const extract = config.extractor ?? ANSWER_EXTRACTORS[config.kind];
  const maxDrafts = config.maxDrafts ?? 3;
  const byId = new Map(config.models.map((m) => [m.id, m]));
  const masked = (value: RouteArtifact, legal: readonly Action[]): Action[] => {
    if (value.drafts.length >= maxDrafts) return legal.filter((a) => a === SUBMIT);
    const drafted = new Set(value.drafts.map((d) => d.model));
    return legal.filter((a) => {
      const to = handoffTarget(a);
      if (to === undefined) return true;
      const model = byId.get(to);
      return model !== undefined && !drafted.has(to) && (model.available?.(value) ?? true);
    });
  };
  const agents: AgentOption<RouteArtifact>[] = config.models.map((model) => ({
    id: model.id,
    interface: routeInterface(model.id, ids, config.costScale),
    canContinue: false,
    async work(artifact, ctx) {
      const reply = await model.draft(artifact.value, ctx.signal);
      const { costUsd } = reply;
      return {
        value: withDraft(artifact.value, model.id, reply, extract),
        reward: -(config.lambda * costUsd) / config.costScale,
        usage: { costUsd, model: model.id },
      };
    },
    mask: (artifact, legal) => masked(artifact.value, legal),
  }));
  const useDispatcher = config.dispatcher ?? true;
  if (useDispatcher)
    agents.unshift({
      id: DISPATCHER,
      interface: dispatcherInterface(),
      canSubmit: false,
      canContinue: false,
      work: () => ({ reward: 0 }),
      mask: (artifact, legal) => masked(artifact.value, legal),
    });
  const successors: Record<string, string[]> = {};
  for (const id of ids) successors[id] = ids.filter((j) => j !== id);
  if (useDispatcher) successors[DISPATCHER] = [...ids];
  return defineWorkflow({
    name: 'route',
    artifact: routeArtifactSchema,
    agents,
    entry: useDispatcher ? DISPATCHER : (ids[0] as string),
    successors,
    grader: (artifact) => {
      const draft = submittedDraft(artifact.value);
      return draft === undefined ? 0 : config.grade(artifact.value, draft);
    },
    budget: { maxSteps: maxDrafts + 1, maxHandoffs: maxDrafts },
    discount: 1,
  });
}

/** The actions a route agent's head may ever be offered: submit (model agents) and a handoff to every other model. */
export function routeActions(workflow: Workflow<RouteArtifact>, agent: string): Action[] {
  const handoffs = (workflow.successors[agent] ?? []).map(handoff);
  return workflow.agentById.get(agent)?.canSubmit === false ? handoffs : [SUBMIT, ...handoffs];
}
