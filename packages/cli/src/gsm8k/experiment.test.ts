import { loadRouteLLM, recordedLabel, replayPair } from '@baton/adapters';
import { cascadeWorkflow, newCascadeHeads } from '@baton/agents';
import { InProcessRuntime } from '@baton/core';
import { describe, expect, it } from 'vitest';
import { escalationScores, trainHeads } from './experiment.ts';
import { curveFromScores, routingMetrics } from './metrics.ts';
import { gsm8kRecordings } from '../../../../test/shared-data.ts';

const gsm8k = gsm8kRecordings();

describe.skipIf(gsm8k.missing)('GSM8K cascade, end to end on a subset', () => {
  it('heads trained through the runtime beat random on held-out prompts', async () => {
    const full = loadRouteLLM(gsm8k.dir);
    const records = full.records.slice(0, 500);
    const dataset = { ...full, records };
    const models = replayPair(dataset);
    const wf = cascadeWorkflow(recordedLabel(dataset), models, 5);
    const heads = newCascadeHeads(wf);
    const runtime = new InProcessRuntime({ workflow: wf, heads: { ...heads } });
    const train = records.slice(0, 350).map((r) => r.prompt);
    const test = records.slice(350);
    await trainHeads(runtime, train, { epochs: 3, seed: 1, costWeight: 5 });
    const scores = await escalationScores(
      runtime,
      { ...heads },
      test.map((r) => r.prompt),
    );
    const weak = test.map((r) => r.outputs[models.names.weak]?.score ?? 0);
    const strong = test.map((r) => r.outputs[models.names.strong]?.score ?? 0);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const m = routingMetrics(curveFromScores(scores, weak, strong), mean(weak), mean(strong));
    expect(m.apgr).toBeGreaterThan(0.6); // random is 0.5 in expectation
    expect(m.cpt50).toBeLessThan(0.4);
  });
});
