import { createAnthropicModel, createOpenAIModel } from '@baton/adapters';
import { startWireServer, type WireRequestInfo, type WireServer, type WireStep } from '@baton/adapters/test';
import { InProcessRuntime, ModelBehaviorError, type BatonEvent } from '@baton/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PROOF_RECORDINGS,
  RECORDED_STATEMENT,
  createJudge,
  createJudgePanel,
  createProofWorkflow,
  newProofDraft,
  proofPolicyHeads,
  proofRubric,
  type ProofRecording,
} from '@baton/agents';

const KEY = 'sk-test-wire';
const retry = { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 };
let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const step = (r: ProofRecording): WireStep => ({
  match: (q: WireRequestInfo) => q.protocol === r.protocol && q.lastUserMessage.includes(r.contains),
  reply: { text: r.text, usage: r.usage },
});
const verdict = (c: number, k: number, l: number) =>
  JSON.stringify({
    scores: { correctness: { score: c, reason: 'r' }, completeness: { score: k, reason: 'r' }, clarity: { score: l, reason: 'r' } },
  });

async function judges(script: readonly (WireStep | string)[]) {
  server = await startWireServer({ script, requireApiKey: KEY });
  const openai = createJudge({
    rubric: proofRubric,
    maxRepairs: 1,
    model: createOpenAIModel({ model: 'gpt-6.1-sol', apiKey: KEY, baseURL: server.openaiBaseURL, retry }),
  });
  const anthropic = createJudge({
    rubric: proofRubric,
    maxRepairs: 1,
    model: createAnthropicModel({ model: 'claude-sonnet-5-5', apiKey: KEY, baseURL: server.anthropicBaseURL, retry }),
  });
  return { openai, anthropic, server };
}

const subject = { task: 'Prove: 2 is even.', response: '1. 2 = 2 * 1.' };

describe('judges through the real SDKs', () => {
  it('repairs a malformed verdict once, sending temperature 0 and the seed', async () => {
    const { openai, server } = await judges([{ reply: '{"scores": {"correctness": {"score": 12}}}' }, { reply: verdict(10, 10, 5) }]);
    const v = await openai.grade(subject);
    expect(v.attempts).toBe(2);
    expect(v.score).toBeCloseTo((3 * 1 + 2 * 1 + 1 * 0.5) / 6, 12);
    expect(v).toMatchObject({ provider: 'openai', model: 'gpt-6.1-sol', rubric: { id: 'proof', version: proofRubric.version } });
    expect(v.costUsd).toBeGreaterThan(0);
    expect(server.requests[0]?.body).toMatchObject({ temperature: 0, seed: 7 });
    expect(server.requests[1]?.lastUserMessage).toMatch(/did not match the required schema/);
  });

  it('throws ModelBehaviorError when the verdict never repairs', async () => {
    const { anthropic, server } = await judges([{ reply: 'I think it is fine, 8/10.', times: 2 }]);
    await expect(anthropic.grade(subject)).rejects.toBeInstanceOf(ModelBehaviorError);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]?.body).toMatchObject({ temperature: 0 });
  });

  it('a panel of two vendors that disagree reports it and discounts the reward', async () => {
    const { openai, anthropic } = await judges([
      { match: (q: WireRequestInfo) => q.protocol === 'openai', reply: verdict(10, 10, 10) },
      { match: (q: WireRequestInfo) => q.protocol === 'anthropic', reply: verdict(4, 4, 4) },
    ]);
    const panel = createJudgePanel({ judges: [openai, anthropic], lambda: 0.5 });
    const v = await panel.grade(subject);
    expect(v.verdicts[0]?.score).toBeCloseTo(1, 12);
    expect(v.verdicts[1]?.score).toBeCloseTo(0.4, 12);
    expect(v.score).toBeCloseTo(0.7, 12);
    expect(v.disagreement.range).toBeCloseTo(0.6, 12);
    expect(v.disagreement.stdDev).toBeCloseTo(0.3, 12);
    expect(v.reward).toBeCloseTo(0.7 * (1 - 0.5 * 0.6), 12);
  });

  it('pairwise scores both orders and cancels position bias', async () => {
    const first = JSON.stringify({ winner: 'first', reason: 'the first is better' });
    const { openai, anthropic, server } = await judges([
      { match: (q: WireRequestInfo) => q.protocol === 'openai', reply: first, times: 2 },
      { match: (q: WireRequestInfo) => q.protocol === 'anthropic' && q.lastUserMessage.includes('FIRST RESPONSE:\nA-proof'), reply: first },
      {
        match: (q: WireRequestInfo) => q.protocol === 'anthropic',
        reply: JSON.stringify({ winner: 'second', reason: 'A-proof is better' }),
      },
    ]);
    const panel = createJudgePanel({ judges: [openai, anthropic] });
    const v = await panel.compare({ task: 't', a: 'A-proof', b: 'B-proof' });
    expect(v.verdicts[0]).toMatchObject({ preferA: 0.5, consistent: false });
    expect(v.verdicts[1]).toMatchObject({ preferA: 1, consistent: true });
    expect(v.preferA).toBeCloseTo(0.75, 12);
    expect(server.requests.filter((r) => r.lastUserMessage.startsWith('Compare'))).toHaveLength(4);
  });
});

describe('proof workflow on recorded drafts and verdicts', () => {
  it('runs prover, critic, reviser, critic, judge panel; the verdict is on the judge work-end event', async () => {
    server = await startWireServer({ script: PROOF_RECORDINGS.map(step), requireApiKey: KEY });
    const openai = (model: string) => createOpenAIModel({ model, apiKey: KEY, baseURL: server?.openaiBaseURL ?? '', retry });
    const anthropic = (model: string) => createAnthropicModel({ model, apiKey: KEY, baseURL: server?.anthropicBaseURL ?? '', retry });
    const panel = createJudgePanel({
      judges: [
        createJudge({ model: openai('gpt-6.1-sol'), rubric: proofRubric }),
        createJudge({ model: anthropic('claude-sonnet-5-5'), rubric: proofRubric }),
      ],
      lambda: 0.5,
    });
    const workflow = createProofWorkflow({
      prover: openai('gpt-6-luna'),
      critic: anthropic('claude-haiku-4-5'),
      reviser: openai('gpt-6-luna'),
      panel,
    });
    const events: BatonEvent[] = [];
    const runtime = new InProcessRuntime({ workflow, heads: proofPolicyHeads(), sinks: [(e) => void events.push(e)] });
    const result = await runtime.runEpisode({ seed: 1, input: newProofDraft(RECORDED_STATEMENT), learn: false });
    expect(result.path).toEqual(['prover', 'critic', 'reviser', 'critic', 'judge']);
    const final = result.artifact.value;
    expect(final.critiques).toMatchObject([{ id: 0, status: 'closed', severity: 'major' }]);
    expect(final.assessment).toBe('sound');
    expect(final.verdict?.judges.map((j) => j.model)).toEqual(['gpt-6.1-sol', 'claude-sonnet-5-5']);
    expect(final.verdict?.disagreement.range).toBeGreaterThan(0);
    expect(result.terminalReward).toBe(final.verdict?.reward);
    expect(result.terminalReward).toBeLessThan(final.verdict?.score ?? 0);
    const judgeEnd = events.find((e) => e.type === 'work-end' && e.agent === 'judge');
    expect(judgeEnd?.type === 'work-end' && judgeEnd.notes?.verdict).toMatchObject({
      rubric: { id: 'proof', version: proofRubric.version },
      lambda: 0.5,
    });
    expect(judgeEnd?.type === 'work-end' ? judgeEnd.usage.costUsd : 0).toBeCloseTo(final.verdict?.costUsd ?? -1, 12);
    expect(result.costUsd).toBeGreaterThan(final.verdict?.costUsd ?? Infinity);
  });

  it('a dollar budget that forces the submit still puts a verdict and its cost in the log, on the submit event', async () => {
    server = await startWireServer({ script: PROOF_RECORDINGS.map(step), requireApiKey: KEY });
    const openai = (model: string) => createOpenAIModel({ model, apiKey: KEY, baseURL: server?.openaiBaseURL ?? '', retry });
    const anthropic = (model: string) => createAnthropicModel({ model, apiKey: KEY, baseURL: server?.anthropicBaseURL ?? '', retry });
    const panel = createJudgePanel({
      judges: [
        createJudge({ model: openai('gpt-6.1-sol'), rubric: proofRubric }),
        createJudge({ model: anthropic('claude-sonnet-5-5'), rubric: proofRubric }),
      ],
      lambda: 0.5,
    });
    const workflow = createProofWorkflow({
      prover: openai('gpt-6-luna'),
      critic: anthropic('claude-haiku-4-5'),
      reviser: openai('gpt-6-luna'),
      panel,
      budget: { maxSteps: 10, maxHandoffs: 8, maxDollars: 1e-9 },
    });
    const events: BatonEvent[] = [];
    const runtime = new InProcessRuntime({ workflow, heads: proofPolicyHeads(), sinks: [(e) => void events.push(e)] });
    const result = await runtime.runEpisode({ seed: 1, input: newProofDraft(RECORDED_STATEMENT), learn: false });
    expect(result.forcedSubmit).toBe(true);
    expect(result.path).toEqual(['prover']);
    const submit = events.find((e) => e.type === 'submit');
    expect(submit?.type === 'submit' && submit.notes?.verdict).toMatchObject({ rubric: { id: 'proof' }, lambda: 0.5 });
    const judging = submit?.type === 'submit' ? (submit.usage?.costUsd ?? 0) : 0;
    expect(judging).toBeGreaterThan(0);
    const work = events.reduce((sum, e) => sum + (e.type === 'work-end' ? (e.usage.costUsd ?? 0) : 0), 0);
    expect(result.costUsd).toBeCloseTo(work + judging, 12);
    expect(result.terminalReward).toBe(submit?.type === 'submit' ? submit.reward : NaN);
  });
});
