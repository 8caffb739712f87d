export { FRAMEWORKS, agentName, type Chain, type ChainRun, type Framework } from './chain.ts';
export { buildChain } from './build.ts';
export { type FrameworkFigures, type PeerRatios, type SizeFigures } from './figures.ts';
export { measure, type MeasureReport, type MeasureRequest } from './measure.ts';
export { COMPARED, REFERENCES, runOverheadBench, type OverheadOptions, type OverheadResult } from './run.ts';
