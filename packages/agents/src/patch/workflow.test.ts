import { describe, expect, it } from 'vitest';
import { InProcessRuntime, type BatonEvent } from '@baton/core';
import { ScriptedModel } from '@baton/core/test';
import { createPatchWorkflow, extractDiff, loadPatchFixture, patchInput, patchRuleHeads } from '@baton/agents';

describe('the code-patch workflow on the median fixture (scripted model, scripted rule heads)', () => {
  it('routes author -> tests -> reviser -> tests -> reviewer -> reviser -> tests -> reviewer -> submit', async () => {
    const fixture = await loadPatchFixture('median');
    const replies = (role: string) =>
      fixture.recording.replies.filter((r) => r.role === role).map((r) => ({ text: r.text, costUsd: 0.001 }));
    const author = new ScriptedModel(replies('author'));
    const reviser = new ScriptedModel(replies('reviser'));
    const reviewer = new ScriptedModel(replies('reviewer'));
    const workflow = createPatchWorkflow({ snapshot: fixture.snapshot, models: { author, reviser, reviewer }, testTimeoutMs: 20_000 });
    const events: BatonEvent[] = [];
    const runtime = new InProcessRuntime({ workflow, heads: patchRuleHeads(), sinks: [(e) => void events.push(e)] });
    const result = await runtime.runEpisode({ seed: 1, input: patchInput(fixture.task, fixture.snapshot.id), learn: false });

    expect(result.path).toEqual(['author', 'tests', 'reviser', 'tests', 'reviewer', 'reviser', 'tests', 'reviewer']);
    const runs = result.artifact.value.testRuns;
    expect(runs.map((r) => [r.attempt, r.applied, r.testsPassed, r.testsFailed])).toEqual([
      [1, false, 0, 0],
      [2, true, 3, 2],
      [3, true, 5, 0],
    ]);
    expect(runs[0]?.applyError).toContain('does not apply');
    expect(result.artifact.value.reviews.map((r) => r.verdict)).toEqual(['request-changes', 'approve']);
    expect(result.terminalReward).toBeCloseTo(1 - 0.005, 9);
    expect(events.filter((e) => e.type === 'handoff')).toHaveLength(7);
    // The reviser saw why the first patch failed.
    expect(reviser.calls[0]?.messages[1]?.content).toContain('did not apply');
  });

  it('extracts a fenced diff and rejects prose without one', () => {
    expect(extractDiff('fix:\n```diff\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n```')).toBe('--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n');
    expect(extractDiff('I would change the sort.')).toBeUndefined();
  });
});
