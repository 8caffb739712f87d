import { UserError } from '@baton/core';
import type { Judge, JudgeSubject, JudgeVerdict, PairSubject, PairwiseVerdict } from './judge.ts';

/** How judge disagreement is measured: weighted standard deviation of their scores, or max - min. */
export type DisagreementMeasure = 'stddev' | 'range';

export interface PanelConfig {
  /** Judges, ideally from different vendors; a bare judge has weight 1. */
  readonly judges: readonly (Judge | { readonly judge: Judge; readonly weight: number })[];
  /**
   * How much disagreement discounts the reward passed to the learner: reward = score * (1 - lambda * disagreement).
   * 0 ignores disagreement. Default 0.5.
   */
  readonly lambda?: number;
  /** Default `range` (in [0, 1], so lambda <= 1 keeps the reward non-negative). */
  readonly disagreement?: DisagreementMeasure;
}

/** Spread of the judges' scores. */
export interface Disagreement {
  readonly stdDev: number;
  readonly range: number;
}

/** The panel's verdict on one response: every judge's verdict, the combined score and the learner's reward. */
export interface PanelVerdict {
  readonly rubric: { readonly id: string; readonly version: string };
  readonly verdicts: readonly JudgeVerdict[];
  readonly weights: readonly number[];
  /** Weighted mean of the judges' scores, in [0, 1]. */
  readonly score: number;
  readonly disagreement: Disagreement;
  readonly measure: DisagreementMeasure;
  readonly lambda: number;
  /** score * (1 - lambda * disagreement[measure]), floored at 0: what the learner is paid. */
  readonly reward: number;
  /** Dollars spent by all judges on this verdict, repairs included. */
  readonly costUsd: number;
}

/** A pairwise verdict of the panel: each judge compared both orders. */
export interface PanelPairwiseVerdict {
  readonly verdicts: readonly PairwiseVerdict[];
  /** Weighted mean of the judges' `preferA`. */
  readonly preferA: number;
  readonly disagreement: Disagreement;
  readonly costUsd: number;
}

export interface JudgePanel {
  readonly judges: readonly Judge[];
  readonly lambda: number;
  readonly measure: DisagreementMeasure;
  /** Every judge grades the response (in parallel). Any judge's ModelBehaviorError or ProviderError is thrown. */
  grade(subject: JudgeSubject, signal?: AbortSignal): Promise<PanelVerdict>;
  compare(subject: PairSubject, signal?: AbortSignal): Promise<PanelPairwiseVerdict>;
}

/** Weighted mean, weighted population standard deviation and range of `values`. */
export function spread(values: readonly number[], weights: readonly number[]): { mean: number } & Disagreement {
  const total = weights.reduce((s, w) => s + w, 0);
  const mean = values.reduce((s, v, i) => s + v * (weights[i] ?? 0), 0) / total;
  const variance = values.reduce((s, v, i) => s + (weights[i] ?? 0) * (v - mean) ** 2, 0) / total;
  return { mean, stdDev: Math.sqrt(variance), range: Math.max(...values) - Math.min(...values) };
}

/**
 * Several judges as one grader. Their scores are combined by weighted mean; their disagreement is reported and,
 * with `lambda`, discounts the reward so the learner trusts contested grades less.
 * @example
 * const panel = createJudgePanel({ judges: [openaiJudge, anthropicJudge], lambda: 0.5 });
 * const { score, disagreement, reward } = await panel.grade({ task, response });
 */
export function createJudgePanel(config: PanelConfig): JudgePanel {
  // Checked as a plain-JS caller may write it: the list can be missing.
  if (!(config.judges as PanelConfig['judges'] | undefined)?.length)
    throw new UserError('at least one judge is required', { field: 'panel.judges' });
  const entries = config.judges.map((j) => ('judge' in j ? j : { judge: j, weight: 1 }));
  entries.forEach((e, i) => {
    if (!(Number.isFinite(e.weight) && e.weight > 0))
      throw new UserError(`must be a positive number, got ${e.weight}`, { field: `panel.judges[${i}].weight` });
  });
  const judges = entries.map((e) => e.judge);
  const weights = entries.map((e) => e.weight);
  const rubric = { id: judges[0]?.rubric.id ?? '', version: judges[0]?.rubric.version ?? '' };
  judges.forEach((j, i) => {
    if (j.rubric.id !== rubric.id || j.rubric.version !== rubric.version) {
      throw new UserError(`judge "${j.id}" uses rubric ${j.rubric.id}@${j.rubric.version}, the panel ${rubric.id}@${rubric.version}`, {
        field: `panel.judges[${i}].rubric`,
      });
    }
  });
  const lambda = config.lambda ?? 0.5;
  if (!(Number.isFinite(lambda) && lambda >= 0)) throw new UserError(`must be a number >= 0, got ${lambda}`, { field: 'panel.lambda' });
  const measure = config.disagreement ?? 'range';

  return {
    judges,
    lambda,
    measure,
    async grade(subject, signal) {
      const verdicts = await Promise.all(judges.map((j) => j.grade(subject, signal)));
      const { mean, stdDev, range } = spread(
        verdicts.map((v) => v.score),
        weights,
      );
      const disagreement = { stdDev, range };
      const reward = Math.max(0, mean * (1 - lambda * disagreement[measure === 'range' ? 'range' : 'stdDev']));
      return {
        rubric,
        verdicts,
        weights,
        score: mean,
        disagreement,
        measure,
        lambda,
        reward,
        costUsd: verdicts.reduce((s, v) => s + v.costUsd, 0),
      };
    },
    async compare(subject, signal) {
      const verdicts = await Promise.all(judges.map((j) => j.compare(subject, signal)));
      const { mean, stdDev, range } = spread(
        verdicts.map((v) => v.preferA),
        weights,
      );
      return { verdicts, preferA: mean, disagreement: { stdDev, range }, costUsd: verdicts.reduce((s, v) => s + v.costUsd, 0) };
    },
  };
}
