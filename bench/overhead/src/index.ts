export { FRAMEWORKS, agentName, type Chain, type ChainRun, type Framework } from './chain.ts';
export { buildChain } from './build.ts';
export { measure, type MeasureReport, type MeasureRequest } from './measure.ts';
export {
  COMPARED,
  REFERENCES,
  runOverheadBench,
  type FrameworkFigures,
  type OverheadOptions,
  type OverheadResult,
  type SizeFigures,
} from './run.ts';
