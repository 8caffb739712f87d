import { generateStructured, UserError, type ChatMessage, type GenerateResult, type ModelAdapter } from '@baton/core';
import { z } from 'zod';
import { rubricPrompt, rubricScore, verdictSchema, type AxisScore, type Rubric } from './rubric.ts';

/** What a judge grades: the task as posed and one response to it. */
export interface JudgeSubject {
  readonly task: string;
  readonly response: string;
}

/** Two responses to one task, for pairwise comparison. */
export interface PairSubject {
  readonly task: string;
  readonly a: string;
  readonly b: string;
}

/** Dollars, tokens and attempts of a judge's calls (the first call and any repairs). */
export interface JudgeCost {
  readonly costUsd: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly latencyMs: number;
  /** 1 when the first answer was well-formed; more when repairs were needed. */
  readonly attempts: number;
}

/** One judge's verdict on one response: everything the audit log needs to explain the score. */
export interface JudgeVerdict extends JudgeCost {
  readonly judge: string;
  readonly provider: string;
  /** The model id the provider reported. */
  readonly model: string;
  readonly rubric: { readonly id: string; readonly version: string };
  readonly axes: Readonly<Record<string, AxisScore>>;
  /** Weighted rubric score in [0, 1]. */
  readonly score: number;
}

/** One order of a pairwise comparison. */
export interface PairwiseCall extends JudgeCost {
  /** Which response was shown first. */
  readonly shownFirst: 'a' | 'b';
  readonly winner: 'first' | 'second' | 'tie';
  readonly reason: string;
}

/** A pairwise verdict from both orders. `preferA` in [0, 1]: 1 = A wins in both orders, 0.5 = tie or position-driven. */
export interface PairwiseVerdict {
  readonly judge: string;
  readonly model: string;
  readonly rubric: { readonly id: string; readonly version: string };
  readonly preferA: number;
  /** Whether both orders picked the same response (or both tied); false reveals position bias. */
  readonly consistent: boolean;
  readonly orders: readonly [PairwiseCall, PairwiseCall];
  readonly costUsd: number;
}

export interface JudgeConfig {
  readonly model: ModelAdapter;
  readonly rubric: Rubric;
  /** Name in verdicts and logs. Default `provider/model`. */
  readonly id?: string;
  /** Passed to providers that accept one (OpenAI); grading should be reproducible. Default 7. */
  readonly seed?: number;
  /** Repair attempts after a malformed verdict before ModelBehaviorError. Default 2. */
  readonly maxRepairs?: number;
  readonly maxTokens?: number;
}

/** An LLM grading responses against a rubric. */
export interface Judge {
  readonly id: string;
  readonly model: ModelAdapter;
  readonly rubric: Rubric;
  /** Scores one response. Throws ModelBehaviorError when the verdict stays malformed after the repairs. */
  grade(subject: JudgeSubject, signal?: AbortSignal): Promise<JudgeVerdict>;
  /** Compares two responses, once in each order, so a judge that favours a position cancels out. */
  compare(subject: PairSubject, signal?: AbortSignal): Promise<PairwiseVerdict>;
}

const pairSchema = z.object({ winner: z.enum(['first', 'second', 'tie']), reason: z.string().trim().min(1).max(600) });

function costOf(calls: readonly GenerateResult[]): JudgeCost {
  return {
    costUsd: calls.reduce((s, c) => s + c.costUsd, 0),
    inputTokens: calls.reduce((s, c) => s + c.usage.inputTokens, 0),
    outputTokens: calls.reduce((s, c) => s + c.usage.outputTokens, 0),
    latencyMs: calls.reduce((s, c) => s + c.latencyMs, 0),
    attempts: calls.length,
  };
}

/**
 * A judge grader: temperature 0, a fixed seed where the provider takes one, bounded repair of malformed verdicts
 * (core's `generateStructured`), then a typed ModelBehaviorError; never a default score.
 * @example
 * const judge = createJudge({ model: createOpenAIModel({ model: 'gpt-6.1-sol' }), rubric: proofRubric });
 * const verdict = await judge.grade({ task: 'Prove that ...', response: draft });
 * console.log(verdict.score, verdict.axes.correctness.reason);
 */
export function createJudge(config: JudgeConfig): Judge {
  const { model, rubric } = config;
  const given = model as Partial<ModelAdapter> | undefined; // plain-JS callers can pass anything
  if (!given || typeof given.generate !== 'function') throw new UserError('must be a ModelAdapter', { field: 'judge.model' });
  const id = config.id ?? `${model.provider}/${model.model}`;
  const callOptions = {
    temperature: 0,
    seed: config.seed ?? 7,
    maxRepairs: config.maxRepairs ?? 2,
    ...(config.maxTokens === undefined ? {} : { maxTokens: config.maxTokens }),
  };
  const system: ChatMessage = {
    role: 'system',
    content: `You are a strict, impartial grader. Judge only what is written; do not reward length or confidence.\n${rubricPrompt(rubric)}`,
  };
  const schema = verdictSchema(rubric);
  const rubricRef = { id: rubric.id, version: rubric.version };

  async function orderCall(
    task: string,
    first: string,
    second: string,
    shownFirst: 'a' | 'b',
    signal?: AbortSignal,
  ): Promise<PairwiseCall> {
    const messages: ChatMessage[] = [
      {
        role: 'system',
        content: `You are a strict, impartial grader comparing two responses under rubric ${rubric.id} version ${rubric.version}:\n${rubric.axes.map((a) => `- ${a.id}: ${a.description}`).join('\n')}\nAnswer with only a JSON object {"winner": "first" | "second" | "tie", "reason": "one sentence"}.`,
      },
      { role: 'user', content: `Compare two responses.\nTASK:\n${task}\n\nFIRST RESPONSE:\n${first}\n\nSECOND RESPONSE:\n${second}` },
    ];
    const { value, calls } = await generateStructured(model, messages, pairSchema, { ...callOptions, ...(signal ? { signal } : {}) });
    return { shownFirst, winner: value.winner, reason: value.reason, ...costOf(calls) };
  }

  return {
    id,
    model,
    rubric,
    async grade(subject, signal) {
      const messages: ChatMessage[] = [
        system,
        { role: 'user', content: `Grade the response.\nTASK:\n${subject.task}\n\nRESPONSE:\n${subject.response}` },
      ];
      const { value, calls } = await generateStructured(model, messages, schema, { ...callOptions, ...(signal ? { signal } : {}) });
      const reported = calls[calls.length - 1]?.model ?? model.model;
      return {
        judge: id,
        provider: model.provider,
        model: reported,
        rubric: rubricRef,
        axes: value.scores,
        score: rubricScore(rubric, value.scores),
        ...costOf(calls),
      };
    },
    async compare(subject, signal) {
      // Sequential on purpose: a scripted or rate-limited provider sees a stable order.
      const ab = await orderCall(subject.task, subject.a, subject.b, 'a', signal);
      const ba = await orderCall(subject.task, subject.b, subject.a, 'b', signal);
      const aWins = (call: PairwiseCall): number =>
        call.winner === 'tie' ? 0.5 : (call.winner === 'first') === (call.shownFirst === 'a') ? 1 : 0;
      const [p1, p2] = [aWins(ab), aWins(ba)];
      return {
        judge: id,
        model: model.model,
        rubric: rubricRef,
        preferA: (p1 + p2) / 2,
        consistent: p1 === p2,
        orders: [ab, ba],
        costUsd: ab.costUsd + ba.costUsd,
      };
    },
  };
}
