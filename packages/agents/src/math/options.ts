import { generateStructured, type AgentInterface, type AgentOption, type ModelAdapter, type WorkResult } from '@baton/core';
import { checkArithmetic } from './arithmetic.ts';
import type { MathDraft } from './draft.ts';
import { answerOf } from './numbers.ts';
import { solverRole, verifierRole, type MathRole } from './roles.ts';

/** How dollars become reward: reward = -costWeight * dollars (0 keeps cost out of the objective). */
export interface CostModel {
  readonly costWeight: number;
}

export interface SolverOptionConfig extends Partial<CostModel> {
  readonly id: string;
  readonly model: ModelAdapter;
  readonly interface: AgentInterface<MathDraft>;
  /**
   * `text`: one plain call with the problem as the user message, the answer read from the text (how GSM8K
   * recordings were made, so replay works). `structured`: the solver role's JSON schema via generateStructured.
   */
  readonly output?: 'text' | 'structured';
  readonly role?: MathRole<{ reasoning: string; answer: number }>;
  readonly canSubmit?: boolean;
}

/** A solver agent: one model call that appends an attempt (text and the final number read from it). */
export function createSolverOption(config: SolverOptionConfig): AgentOption<MathDraft> {
  const role = config.role ?? solverRole;
  const costWeight = config.costWeight ?? 0;
  return {
    id: config.id,
    interface: config.interface,
    canContinue: false,
    ...(config.canSubmit === undefined ? {} : { canSubmit: config.canSubmit }),
    async work(artifact, ctx): Promise<WorkResult<MathDraft>> {
      const draft = artifact.value;
      const signal = ctx.signal ? { signal: ctx.signal } : {};
      let text: string;
      let answer: number | null;
      let calls;
      if ((config.output ?? 'text') === 'text') {
        const call = await config.model.generate([{ role: 'user', content: draft.problem }], { temperature: 0, ...signal });
        calls = [call];
        text = call.text;
        answer = answerOf(text) ?? null;
      } else {
        const result = await generateStructured(
          config.model,
          [
            { role: 'system', content: role.system },
            { role: 'user', content: role.prompt(draft) },
          ],
          role.output,
          { temperature: 0, ...signal },
        );
        calls = result.calls;
        text = `${result.value.reasoning}\n#### ${result.value.answer}`;
        answer = result.value.answer;
      }
      const costUsd = calls.reduce((s, c) => s + c.costUsd, 0);
      return {
        value: { ...draft, attempts: [...draft.attempts, { author: config.id, model: config.model.model, text, answer }] },
        reward: -costWeight * costUsd,
        usage: {
          inputTokens: calls.reduce((s, c) => s + c.usage.inputTokens, 0),
          outputTokens: calls.reduce((s, c) => s + c.usage.outputTokens, 0),
          costUsd,
          model: config.model.model,
          latencyMs: calls.reduce((s, c) => s + c.latencyMs, 0),
        },
        notes: { answer },
      };
    },
  };
}

/** A verifier or critic agent: one structured call that appends a verdict on the latest attempt. */
export function createVerifierOption(config: {
  id: string;
  model: ModelAdapter;
  interface: AgentInterface<MathDraft>;
  role?: MathRole<{ ok: boolean; issues: string[] }>;
  costWeight?: number;
}): AgentOption<MathDraft> {
  const role = config.role ?? verifierRole;
  return {
    id: config.id,
    interface: config.interface,
    canContinue: false,
    async work(artifact, ctx) {
      const draft = artifact.value;
      const result = await generateStructured(
        config.model,
        [
          { role: 'system', content: role.system },
          { role: 'user', content: role.prompt(draft) },
        ],
        role.output,
        {
          temperature: 0,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        },
      );
      const costUsd = result.calls.reduce((s, c) => s + c.costUsd, 0);
      const kind = role.name === 'critic' ? 'critic' : 'verifier';
      return {
        value: {
          ...draft,
          verdicts: [
            ...draft.verdicts,
            {
              author: config.id,
              kind,
              ok: result.value.ok,
              checked: 0,
              failed: result.value.issues.length,
              note: result.value.issues.join('; '),
            },
          ],
        },
        reward: -(config.costWeight ?? 0) * costUsd,
        usage: {
          costUsd,
          model: config.model.model,
          inputTokens: result.calls.reduce((s, c) => s + c.usage.inputTokens, 0),
          outputTokens: result.calls.reduce((s, c) => s + c.usage.outputTokens, 0),
        },
      };
    },
  };
}

/**
 * The arithmetic checker: a tool agent (no LLM) that re-computes every equation of the latest attempt with mathjs
 * and appends an `arithmetic` verdict. Costs no dollars.
 */
export function createArithmeticCheckerOption(config: { id: string; interface: AgentInterface<MathDraft> }): AgentOption<MathDraft> {
  return {
    id: config.id,
    interface: config.interface,
    canContinue: false,
    work(artifact) {
      const draft = artifact.value;
      const steps = checkArithmetic(draft.attempts[draft.attempts.length - 1]?.text ?? '');
      const failed = steps.filter((s) => !s.ok);
      const note = failed.map((s) => `${s.expression} = ${s.computed}, not ${s.stated}`).join('; ');
      return {
        value: {
          ...draft,
          verdicts: [
            ...draft.verdicts,
            { author: config.id, kind: 'arithmetic', ok: failed.length === 0, checked: steps.length, failed: failed.length, note },
          ],
        },
        notes: { checked: steps.length, failed: failed.length },
      };
    },
  };
}

/** A dispatcher: does no work and may not submit; its head reads a projection of the problem and picks a solver. */
export function createDispatcherOption(config: { id: string; interface: AgentInterface<MathDraft> }): AgentOption<MathDraft> {
  return { id: config.id, interface: config.interface, canSubmit: false, canContinue: false, work: () => ({ duration: 0 }) };
}
