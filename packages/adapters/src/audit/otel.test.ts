import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { expect, it } from 'vitest';
import { relayInput, relayRuntime } from '@baton/core/test';
import { createOtelSink } from '@baton/adapters/audit';

it('exports an episode as an invoke_workflow span with invoke_agent children and decision events', async () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const sink = createOtelSink({ tracer: provider.getTracer('baton-test') });
  const result = await relayRuntime([sink]).runEpisode({ seed: 2, input: relayInput() });
  const spans = exporter.getFinishedSpans();
  const root = spans.find((s) => s.name === 'invoke_workflow relay');
  expect(root?.attributes).toMatchObject({
    'gen_ai.operation.name': 'invoke_workflow',
    'baton.episode.steps': result.steps,
    'baton.episode.handoffs': result.handoffs,
  });
  expect(root?.attributes['baton.cost_usd']).toBeCloseTo(result.costUsd, 12);
  const work = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'invoke_agent');
  expect(work).toHaveLength(result.steps);
  for (const span of work) {
    expect(span.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);
    expect(span.attributes).toMatchObject({
      'gen_ai.agent.name': expect.any(String),
      'gen_ai.request.model': expect.any(String),
      'gen_ai.usage.input_tokens': expect.any(Number),
      'gen_ai.usage.output_tokens': expect.any(Number),
    });
  }
  const tokens = work.reduce(
    (s, w) => s + Number(w.attributes['gen_ai.usage.input_tokens']) + Number(w.attributes['gen_ai.usage.output_tokens']),
    0,
  );
  expect(tokens).toBe(result.tokens);
  // Every unit of work names its vendor from its model; the relay's three agents use an OpenAI, an Anthropic and a local model.
  const vendor: Record<string, string> = { 'gpt-4o-mini': 'openai', 'claude-haiku-4-5': 'anthropic', 'llama-3.1-8b': 'baton' };
  for (const span of work) {
    const model = String(span.attributes['gen_ai.request.model']);
    expect({ model, system: span.attributes['gen_ai.system'] }).toEqual({ model, system: vendor[model] });
  }
  // Seed 2 reaches all three agents.
  expect(new Set(work.map((w) => w.attributes['gen_ai.system']))).toEqual(new Set(Object.values(vendor)));
  const decisions = root?.events.filter((e) => e.name === 'baton.decision') ?? [];
  expect(decisions).toHaveLength(result.decisions);
  expect(decisions.length).toBeGreaterThan(0);
  for (const decision of decisions) {
    const attributes = decision.attributes ?? {};
    const legal = attributes['baton.legal'] as string[];
    expect(legal).toContain('submit');
    expect(legal).toContain(attributes['baton.action']);
    expect(typeof attributes['baton.explored']).toBe('boolean');
    // One finite Q-value per legal action, keyed by the action.
    const q = JSON.parse(String(attributes['baton.q_values'])) as Record<string, unknown>;
    expect(Object.keys(q).sort()).toEqual([...legal].sort());
    for (const value of Object.values(q)) expect(Number.isFinite(value)).toBe(true);
  }
  expect(root?.events.filter((e) => e.name === 'baton.handoff')).toHaveLength(result.handoffs);
  expect(root?.events.filter((e) => e.name === 'baton.scalar_return')).toHaveLength(result.handoffs);
});
