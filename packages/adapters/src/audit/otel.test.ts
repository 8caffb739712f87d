import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { expect, it } from 'vitest';
import { relayInput, relayRuntime } from '@baton/core/test';
import { createOtelSink } from '@baton/adapters/audit';

it('exports an episode as an invoke_workflow span with invoke_agent children and decision events', async () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const sink = createOtelSink({ tracer: provider.getTracer('baton-test') });
  const result = await relayRuntime([sink]).runEpisode({ seed: 5, input: relayInput() });
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
  expect(work.find((w) => w.attributes['gen_ai.request.model'] === 'claude-haiku-4-5')?.attributes['gen_ai.system'] ?? 'anthropic').toBe(
    'anthropic',
  );
  const decisions = root?.events.filter((e) => e.name === 'baton.decision') ?? [];
  expect(decisions).toHaveLength(result.decisions);
  expect(decisions[0]?.attributes).toMatchObject({
    'baton.legal': expect.arrayContaining(['submit']),
    'baton.explored': expect.any(Boolean),
  });
  expect(JSON.parse(String(decisions[0]?.attributes?.['baton.q_values']))).toEqual(expect.any(Object));
  expect(root?.events.filter((e) => e.name === 'baton.handoff')).toHaveLength(result.handoffs);
  expect(root?.events.filter((e) => e.name === 'baton.scalar_return')).toHaveLength(result.handoffs);
});
