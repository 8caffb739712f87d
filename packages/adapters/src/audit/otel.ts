import { SpanKind, SpanStatusCode, context, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import type { BatonEvent, EventSink } from '@baton/core';

export interface OtelSinkOptions {
  /** Where spans go, e.g. `trace.getTracer('baton')` after the app set up its SDK. Nothing is exported without one. */
  readonly tracer: Tracer;
  /**
   * The GenAI provider (`gen_ai.system`, `gen_ai.provider.name`) of a model id; default guesses from the name
   * (gpt/o-series -> openai, claude -> anthropic) and otherwise says `baton`.
   */
  readonly providerOf?: (model: string) => string;
  /** Also attach each decision's interface view (projection and private state) as JSON. Default true. */
  readonly includeViews?: boolean;
}

export function guessProvider(model: string): string {
  if (/^(gpt|o\d|text-embedding|chatgpt)/i.test(model)) return 'openai';
  if (/^claude/i.test(model)) return 'anthropic';
  if (/^gemini/i.test(model)) return 'gcp.gemini';
  return 'baton';
}

interface Open {
  readonly episode: Span;
  work: Span | undefined;
  inputTokens: number;
  outputTokens: number;
}

/**
 * Exports episodes as OpenTelemetry spans following the GenAI semantic conventions: one `invoke_workflow` span per
 * episode, one `invoke_agent` child span per unit of work (model, tokens, cost, latency), and span events on the
 * episode for decisions (`baton.decision`: Q-values, legal set, explored), handoffs and scalar returns. Off unless
 * the app adds it to the runtime's sinks.
 * @example
 * const runtime = new InProcessRuntime({ workflow, heads, sinks: [createOtelSink({ tracer: trace.getTracer('baton') })] });
 */
export function createOtelSink(options: OtelSinkOptions): EventSink {
  const { tracer } = options;
  const providerOf = options.providerOf ?? guessProvider;
  const includeViews = options.includeViews ?? true;
  const open = new Map<string, Open>();

  return (event: BatonEvent) => {
    if (event.type === 'episode-start') {
      const episode = tracer.startSpan(`invoke_workflow ${event.workflow}`, {
        kind: SpanKind.INTERNAL,
        attributes: {
          'gen_ai.operation.name': 'invoke_workflow',
          'gen_ai.system': 'baton',
          'gen_ai.provider.name': 'baton',
          'gen_ai.conversation.id': event.episodeId,
          'gen_ai.workflow.name': event.workflow,
          'baton.episode.id': event.episodeId,
          'baton.episode.seed': event.seed,
          'baton.episode.entry': event.entry,
          'baton.artifact.hash': event.artifactHash,
        },
      });
      open.set(event.episodeId, { episode, work: undefined, inputTokens: 0, outputTokens: 0 });
      return;
    }
    const state = open.get(event.episodeId);
    if (!state) return;
    const { episode } = state;
    const base = { 'baton.time': event.time };
    switch (event.type) {
      case 'work-start':
        state.work = tracer.startSpan(
          `invoke_agent ${event.agent}`,
          {
            kind: SpanKind.INTERNAL,
            attributes: {
              'gen_ai.operation.name': 'invoke_agent',
              'gen_ai.agent.name': event.agent,
              'gen_ai.agent.id': event.agent,
              'gen_ai.conversation.id': event.episodeId,
              'baton.artifact.hash_before': event.artifactHash,
              ...base,
            },
          },
          trace.setSpan(context.active(), episode),
        );
        break;
      case 'work-end': {
        const span = state.work;
        if (!span) break;
        const { usage } = event;
        const attributes: Attributes = {
          'baton.artifact.hash_after': event.artifactHashAfter,
          'baton.reward': event.reward,
          'baton.duration': event.duration,
        };
        if (usage.model !== undefined) {
          const provider = providerOf(usage.model);
          Object.assign(attributes, {
            'gen_ai.request.model': usage.model,
            'gen_ai.response.model': usage.model,
            'gen_ai.system': provider,
            'gen_ai.provider.name': provider,
          });
        }
        if (usage.inputTokens !== undefined) attributes['gen_ai.usage.input_tokens'] = usage.inputTokens;
        if (usage.outputTokens !== undefined) attributes['gen_ai.usage.output_tokens'] = usage.outputTokens;
        if (usage.costUsd !== undefined) attributes['baton.cost_usd'] = usage.costUsd;
        if (usage.latencyMs !== undefined) attributes['baton.latency_ms'] = usage.latencyMs;
        span.setAttributes(attributes);
        span.end();
        state.work = undefined;
        state.inputTokens += usage.inputTokens ?? 0;
        state.outputTokens += usage.outputTokens ?? 0;
        break;
      }
      case 'decision':
        episode.addEvent('baton.decision', {
          ...base,
          'gen_ai.agent.name': event.agent,
          'baton.action': event.action,
          'baton.explored': event.explored,
          'baton.legal': [...event.legal],
          'baton.q_values': JSON.stringify(event.qValues),
          'baton.artifact.hash': event.artifactHash,
          ...(includeViews ? { 'baton.view': JSON.stringify(event.view) } : {}),
        });
        break;
      case 'handoff':
        episode.addEvent('baton.handoff', {
          ...base,
          'baton.handoff.id': event.handoffId,
          'baton.handoff.from': event.from,
          'baton.handoff.to': event.to,
          'baton.handoff.skipped': [...event.skipped],
          'baton.artifact.hash': event.artifactHash,
        });
        break;
      case 'scalar-return':
        episode.addEvent('baton.scalar_return', {
          ...base,
          'baton.handoff.id': event.handoffId,
          'baton.handoff.from': event.from,
          'baton.handoff.to': event.to,
          'baton.scalar': event.scalar,
        });
        break;
      case 'submit':
        episode.addEvent('baton.submit', {
          ...base,
          'gen_ai.agent.name': event.agent,
          'baton.reward': event.reward,
          'baton.forced': event.forced,
          'baton.artifact.hash': event.artifactHash,
          ...(event.usage?.costUsd !== undefined ? { 'baton.grading.cost_usd': event.usage.costUsd } : {}),
        });
        break;
      case 'error':
        state.work?.setStatus({ code: SpanStatusCode.ERROR, message: event.message });
        state.work?.setAttribute('error.type', event.code);
        state.work?.end();
        episode.setStatus({ code: SpanStatusCode.ERROR, message: event.message });
        episode.setAttribute('error.type', event.code);
        episode.end();
        open.delete(event.episodeId);
        break;
      case 'episode-end':
        episode.setAttributes({
          'baton.episode.return': event.return,
          'baton.episode.terminal_reward': event.terminalReward,
          'baton.episode.steps': event.steps,
          'baton.episode.handoffs': event.handoffs,
          'baton.cost_usd': event.costUsd,
          'gen_ai.usage.input_tokens': state.inputTokens,
          'gen_ai.usage.output_tokens': state.outputTokens,
        });
        episode.end();
        open.delete(event.episodeId);
        break;
    }
  };
}
