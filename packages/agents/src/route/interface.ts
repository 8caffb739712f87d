import type { AgentInterface, Features } from '@baton/core';
import { promptOptions } from './answers.ts';
import type { RouteArtifact, RouteDraft } from './artifact.ts';

/** The features every model agent sees of its own draft and the drafts present (names in `routeFeatureKeys`). */
export const DRAFT_FEATURES = [
  'position',
  'wellFormed',
  'refusal',
  'noAnswer',
  'logLength',
  'agree',
  'disagree',
  'distinct',
  'spent',
] as const;

/** Prompt features that mean something on any task: what a dispatcher that sees only the prompt can go on. */
export const PROMPT_FEATURES = ['promptLogLength', 'promptLines', 'promptOptions', 'promptCode', 'promptDigits'] as const;

function agreeKey(model: string): string {
  return `agree:${model}`;
}

/** The projection keys of `self`'s interface in a workflow over `models`. */
export function routeFeatureKeys(self: string, models: readonly string[]): string[] {
  return [...DRAFT_FEATURES, ...models.filter((m) => m !== self).map(agreeKey)];
}

function same(a: RouteDraft, b: RouteDraft): boolean {
  return a.answer !== null && a.answer === b.answer;
}

/**
 * What `self` sees after drafting: its own draft's answer and form, agreement with each draft present (+1 agrees,
 * -1 answered otherwise, 0 absent or no answer), distinct answers, and the dollars spent so far in units of `costScale`.
 * Never another draft's text, and nothing about prompts other than this one.
 */
export function routeFeatures(artifact: RouteArtifact, self: string, models: readonly string[], costScale: number): Features {
  const drafts = artifact.drafts;
  const mine = drafts.find((d) => d.model === self) ?? drafts[drafts.length - 1];
  const out: Record<string, number> = {};
  let agree = 0;
  let disagree = 0;
  let spent = 0;
  const answers = new Set<string>();
  for (const d of drafts) {
    spent += d.costUsd;
    if (d.answer !== null) answers.add(d.answer);
  }
  for (const m of models) if (m !== self) out[agreeKey(m)] = 0;
  if (mine !== undefined) {
    for (const d of drafts) {
      if (d === mine || d.answer === null || mine.answer === null) continue;
      const s = same(mine, d) ? 1 : -1;
      if (s > 0) agree++;
      else disagree++;
      out[agreeKey(d.model)] = s;
    }
  }
  out.position = drafts.length;
  out.wellFormed = mine?.wellFormed ? 1 : 0;
  out.refusal = mine?.refusal ? 1 : 0;
  out.noAnswer = mine?.answer === null ? 1 : 0;
  out.logLength = Math.log1p(mine?.length ?? 0) / 8;
  out.agree = agree;
  out.disagree = disagree;
  out.distinct = answers.size;
  out.spent = costScale > 0 ? spent / costScale : 0;
  return out;
}

/** Prompt-only features (`PROMPT_FEATURES`); `position` is 0 so gated heads keep the dispatcher's own sub-head. */
export function promptFeatures(prompt: string): Features {
  const digits = (prompt.match(/\d/g) ?? []).length;
  return {
    position: 0,
    promptLogLength: Math.log1p(prompt.length) / 10,
    promptLines: Math.log1p(prompt.split('\n').length) / 5,
    promptOptions: promptOptions(prompt).size / 5,
    promptCode: /```|\bdef |\bfunction\b|\breturn\b/.test(prompt) ? 1 : 0,
    promptDigits: prompt.length > 0 ? Math.min(1, (10 * digits) / prompt.length) : 0,
  };
}

/** A model agent's interface: `routeFeatures` of the artifact. */
export function routeInterface(self: string, models: readonly string[], costScale: number): AgentInterface<RouteArtifact> {
  return {
    projectionKeys: routeFeatureKeys(self, models),
    project: (artifact) => routeFeatures(artifact.value, self, models, costScale),
  };
}

/** The dispatcher's interface: the prompt only. */
export function dispatcherInterface(): AgentInterface<RouteArtifact> {
  return { projectionKeys: ['position', ...PROMPT_FEATURES], project: (artifact) => promptFeatures(artifact.value.prompt) };
}
