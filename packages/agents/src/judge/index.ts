export {
  defineRubric,
  rubricPrompt,
  rubricScore,
  verdictSchema,
  type AxisScore,
  type Rubric,
  type RubricAxis,
  type RubricConfig,
} from './rubric.ts';
export {
  createJudge,
  type Judge,
  type JudgeConfig,
  type JudgeCost,
  type JudgeSubject,
  type JudgeVerdict,
  type PairSubject,
  type PairwiseCall,
  type PairwiseVerdict,
} from './judge.ts';
export {
  createJudgePanel,
  spread,
  type Disagreement,
  type DisagreementMeasure,
  type JudgePanel,
  type PanelConfig,
  type PanelPairwiseVerdict,
  type PanelVerdict,
} from './panel.ts';
