import {
  generateStructured,
  sha256,
  type AgentOption,
  type Artifact,
  type ChatMessage,
  type ModelAdapter,
  type Usage,
  type WorkContext,
  type WorkResult,
} from '@baton/core';
import type { z } from 'zod';
import type { JudgePanel, PanelVerdict } from '../judge/panel.ts';
import type { ProofDraft, StoredVerdict } from './draft.ts';
import { proofInterface } from './projection.ts';
import { criticMessages, criticOutput, proverMessages, reviserMessages, reviserOutput, proverOutput } from './roles.ts';

export interface ProofAgentConfig {
  readonly model: ModelAdapter;
  /** The panel, so that a work unit that ends the budget also carries a verdict into the audit log. */
  readonly panel: JudgePanel;
  /** Reward per unit of work is -dollarWeight * dollars spent. Default 1. */
  readonly dollarWeight?: number;
  readonly seed?: number;
  readonly maxRepairs?: number;
}

/** JSON-safe record of a panel verdict for `WorkResult.notes`: judge models, rubric version, scores, reasons, cost. */
export function verdictNotes(v: PanelVerdict): Record<string, unknown> {
  return {
    rubric: v.rubric,
    judges: v.verdicts.map((j) => ({
      judge: j.judge,
      provider: j.provider,
      model: j.model,
      score: j.score,
      axes: j.axes,
      costUsd: j.costUsd,
      inputTokens: j.inputTokens,
      outputTokens: j.outputTokens,
      attempts: j.attempts,
    })),
    weights: v.weights,
    score: v.score,
    disagreement: v.disagreement,
    measure: v.measure,
    lambda: v.lambda,
    reward: v.reward,
    costUsd: v.costUsd,
  };
}

function stored(v: PanelVerdict, draft: string): StoredVerdict {
  return {
    rubric: v.rubric,
    draftHash: sha256(draft),
    judges: v.verdicts.map((j) => ({ judge: j.judge, model: j.model, score: j.score, costUsd: j.costUsd, attempts: j.attempts })),
    score: v.score,
    disagreement: v.disagreement,
    reward: v.reward,
    costUsd: v.costUsd,
  };
}

/** The panel's subject for a draft. */
export const proofSubject = (d: ProofDraft) => ({ task: `Prove: ${d.statement}`, response: d.draft });

function addUsage(a: Usage, costUsd: number, inputTokens: number, outputTokens: number): Usage {
  return {
    ...a,
    costUsd: (a.costUsd ?? 0) + costUsd,
    inputTokens: (a.inputTokens ?? 0) + inputTokens,
    outputTokens: (a.outputTokens ?? 0) + outputTokens,
  };
}

/** Grades `value` with the panel: the value gains its verdict; notes and usage carry it to the work-end event. */
export async function judged(
  panel: JudgePanel,
  value: ProofDraft,
  usage: Usage,
  signal?: AbortSignal,
): Promise<{ value: ProofDraft; usage: Usage; notes: Record<string, unknown> }> {
  const v = await panel.grade(proofSubject(value), signal);
  const tokensIn = v.verdicts.reduce((s, j) => s + j.inputTokens, 0);
  const tokensOut = v.verdicts.reduce((s, j) => s + j.outputTokens, 0);
  return {
    value: { ...value, verdict: stored(v, value.draft) },
    usage: addUsage(usage, v.costUsd, tokensIn, tokensOut),
    notes: { verdict: verdictNotes(v) },
  };
}

function llmAgent(
  id: string,
  config: ProofAgentConfig,
  step: (d: ProofDraft, ask: <S>(m: ChatMessage[], s: z.ZodType<S>) => Promise<S>) => Promise<ProofDraft>,
): AgentOption<ProofDraft> {
  const weight = config.dollarWeight ?? 1;
  return {
    id,
    interface: proofInterface,
    canSubmit: false,
    async work(artifact: Artifact<ProofDraft>, ctx: WorkContext): Promise<WorkResult<ProofDraft>> {
      let usage: Usage = { model: config.model.model, costUsd: 0, inputTokens: 0, outputTokens: 0, latencyMs: 0 };
      const ask = async <S>(messages: ChatMessage[], schema: z.ZodType<S>): Promise<S> => {
        const { value, calls } = await generateStructured(config.model, messages, schema, {
          temperature: 0,
          seed: config.seed ?? 7,
          maxRepairs: config.maxRepairs ?? 2,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
        for (const c of calls)
          usage = {
            ...addUsage(usage, c.costUsd, c.usage.inputTokens, c.usage.outputTokens),
            model: c.model,
            latencyMs: (usage.latencyMs ?? 0) + c.latencyMs,
          };
        return value;
      };
      let value: ProofDraft = { ...(await step(artifact.value, ask)), verdict: null };
      const reward = -weight * (usage.costUsd ?? 0);
      // The budget ends after this unit: the forced submit must still carry an audited verdict.
      if (ctx.budget.steps <= 1) {
        const graded = await judged(config.panel, value, usage, ctx.signal);
        value = graded.value;
        return { value, reward, usage: graded.usage, notes: graded.notes };
      }
      return { value, reward, usage };
    },
  };
}

/** Writes the first draft. */
export function createProverOption(config: ProofAgentConfig): AgentOption<ProofDraft> {
  return llmAgent('prover', config, async (d, ask) => ({
    ...d,
    draft: (await ask(proverMessages(d), proverOutput)).proof,
    revisions: d.revisions + 1,
    flaggedSteps: [],
  }));
}

/** Reviews the draft: judge-free signals (steps flagged, critiques raised and closed, an assessment). */
export function createCriticOption(config: ProofAgentConfig): AgentOption<ProofDraft> {
  return llmAgent('critic', config, async (d, ask) => {
    const out = await ask(criticMessages(d), criticOutput);
    const resolved = new Set(out.resolved);
    let next = d.critiques.length;
    const critiques = [
      ...d.critiques.map((c) => (c.status === 'open' && resolved.has(c.id) ? { ...c, status: 'closed' as const } : c)),
      ...out.newCritiques.map((c) => ({ ...c, id: next++, status: 'open' as const })),
    ];
    return {
      ...d,
      critiques,
      flaggedSteps: [...new Set(out.flaggedSteps)].sort((a, b) => a - b),
      assessment: out.assessment,
      criticRounds: d.criticRounds + 1,
    };
  });
}

/** Rewrites the draft to answer open critiques; closing them is left to the critic's next round. */
export function createReviserOption(config: ProofAgentConfig): AgentOption<ProofDraft> {
  return llmAgent('reviser', config, async (d, ask) => ({
    ...d,
    draft: (await ask(reviserMessages(d), reviserOutput)).proof,
    revisions: d.revisions + 1,
    flaggedSteps: [],
  }));
}

/**
 * The judge panel as the workflow's last agent: its one unit of work grades the draft, so every verdict (judge
 * models, rubric version, scores, reasons, dollars) reaches the audit log on its `work-end` event. It may only submit.
 */
export function createJudgeOption(panel: JudgePanel): AgentOption<ProofDraft> {
  return {
    id: 'judge',
    interface: proofInterface,
    canContinue: false,
    async work(artifact, ctx) {
      const graded = await judged(
        panel,
        artifact.value,
        { model: panel.judges.map((j) => j.model.model).join('+'), costUsd: 0, inputTokens: 0, outputTokens: 0 },
        ctx.signal,
      );
      return { value: graded.value, reward: 0, usage: graded.usage, notes: graded.notes };
    },
  };
}
