import { generateStructured, ModelBehaviorError, type AgentOption, type GenerateResult, type ModelAdapter, type Usage } from '@baton/core';
import { reviewOutput, type PatchArtifact } from './artifact.ts';
import { patchInterface } from './interface.ts';
import { patchMessages } from './prompts.ts';
import type { RepoSnapshot } from './snapshot.ts';

export interface ModelAgentConfig {
  /** Agent id; defaults to the role (`author`, `reviser`, `reviewer`). */
  readonly id?: string;
  readonly model: ModelAdapter;
  /** The base snapshot; its files are shown to the model. */
  readonly snapshot: RepoSnapshot;
  /** Generation options passed to the model (temperature, maxTokens, seed). */
  readonly temperature?: number;
  readonly maxTokens?: number;
}

/** The diff in a model answer: the first ```diff (or ```patch) fenced block, else the whole text if it is a bare diff. */
export function extractDiff(text: string): string | undefined {
  const fenced = /```(?:diff|patch)[^\n]*\n([\s\S]*?)```/i.exec(text);
  const candidate = fenced?.[1] ?? (/^(---|diff --git) /m.test(text) ? text.slice(text.search(/^(---|diff --git) /m)) : undefined);
  if (candidate === undefined || !/^@@ /m.test(candidate)) return undefined;
  return candidate.endsWith('\n') ? candidate : `${candidate}\n`;
}

function usageOf(calls: readonly GenerateResult[]): Usage & { costUsd: number } {
  const last = calls[calls.length - 1];
  return {
    inputTokens: calls.reduce((n, c) => n + c.usage.inputTokens, 0),
    outputTokens: calls.reduce((n, c) => n + c.usage.outputTokens, 0),
    costUsd: calls.reduce((n, c) => n + c.costUsd, 0),
    latencyMs: calls.reduce((n, c) => n + c.latencyMs, 0),
    ...(last ? { model: last.model } : {}),
  };
}

function writer(role: 'author' | 'reviser', config: ModelAgentConfig): AgentOption<PatchArtifact> {
  const options = {
    ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
    ...(config.maxTokens === undefined ? {} : { maxTokens: config.maxTokens }),
  };
  return {
    id: config.id ?? role,
    interface: patchInterface,
    canSubmit: false,
    canContinue: false,
    async work(artifact, ctx) {
      const messages = patchMessages(role, artifact.value, config.snapshot);
      const calls: GenerateResult[] = [];
      let diff: string | undefined;
      // One repair: a model that forgot the fenced diff is asked once more, then it is a ModelBehaviorError.
      for (let attempt = 0; attempt < 2 && diff === undefined; attempt++) {
        const conversation =
          attempt === 0
            ? messages
            : [
                ...messages,
                { role: 'assistant' as const, content: calls[0]?.text ?? '' },
                {
                  role: 'user' as const,
                  content: 'Your answer had no unified diff. Answer again with the diff in a ```diff fenced block.',
                },
              ];
        const result = await config.model.generate(conversation, { ...options, ...(ctx.signal ? { signal: ctx.signal } : {}) });
        calls.push(result);
        diff = extractDiff(result.text);
      }
      if (diff === undefined) {
        throw new ModelBehaviorError(`${config.model.provider}/${config.model.model} gave no unified diff after ${calls.length} attempts`, {
          attempts: calls.length,
          lastOutput: calls[calls.length - 1]?.text ?? '',
        });
      }
      const usage = usageOf(calls);
      const value = artifact.value;
      return {
        value: { ...value, diff, attempts: value.attempts + 1, costUsd: value.costUsd + usage.costUsd },
        reward: 0,
        usage,
        notes: { attempt: value.attempts + 1, diffChars: diff.length },
      };
    },
  };
}

/** The patch author: writes the first unified diff for the issue. */
export function createPatchAuthor(config: ModelAgentConfig): AgentOption<PatchArtifact> {
  return writer('author', config);
}

/** The reviser: writes a new diff (against the base) from the last test results and review comments. */
export function createPatchReviser(config: ModelAgentConfig): AgentOption<PatchArtifact> {
  return writer('reviser', config);
}

/** The reviewer: a verdict (approve / request-changes) with comments, zod-checked through generateStructured. */
export function createPatchReviewer(config: ModelAgentConfig): AgentOption<PatchArtifact> {
  return {
    id: config.id ?? 'reviewer',
    interface: patchInterface,
    canContinue: false,
    async work(artifact, ctx) {
      const value = artifact.value;
      const { value: review, calls } = await generateStructured(
        config.model,
        patchMessages('reviewer', value, config.snapshot),
        reviewOutput,
        {
          ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
          ...(config.maxTokens === undefined ? {} : { maxTokens: config.maxTokens }),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        },
      );
      const usage = usageOf(calls);
      return {
        value: {
          ...value,
          reviews: [...value.reviews, { ...review, attempt: Math.max(1, value.attempts) }],
          costUsd: value.costUsd + usage.costUsd,
        },
        reward: 0,
        usage,
        notes: { verdict: review.verdict, comments: review.comments.length },
      };
    },
  };
}
