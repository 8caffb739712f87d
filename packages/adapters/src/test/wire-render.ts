import { randomUUID } from 'node:crypto';
import type { WireProtocol, WireReply, WireRequestInfo } from './wire-types.ts';

/** An answer in one protocol: the JSON body and, for `stream: true`, the SSE frames. */
export interface RenderedAnswer {
  readonly json: Record<string, unknown>;
  readonly frames: readonly string[];
}

const freshId = (prefix: string) => `${prefix}${randomUUID().replaceAll('-', '')}`;

/** Splits text into word-sized stream deltas (each word keeps its trailing whitespace). */
export function deltasOf(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

function argumentsText(value: string | Readonly<Record<string, unknown>>): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function usageFor(reply: WireReply, request: WireRequestInfo): { inputTokens: number; outputTokens: number } {
  if (reply.usage) return reply.usage;
  const requestChars = JSON.stringify(request.body['messages'] ?? '').length + JSON.stringify(request.body['system'] ?? '').length;
  const replyChars =
    (reply.text ?? '').length + (reply.toolCalls ?? []).reduce((n, c) => n + c.name.length + argumentsText(c.arguments).length, 0);
  return { inputTokens: Math.max(1, Math.ceil(requestChars / 4)), outputTokens: Math.max(1, Math.ceil(replyChars / 4)) };
}

const sseData = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
const sseEvent = (payload: { readonly type: string; readonly [key: string]: unknown }) =>
  `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;

/** Renders `reply` in the OpenAI chat-completions format. */
export function renderOpenAI(reply: WireReply, request: WireRequestInfo): RenderedAnswer {
  const id = freshId('chatcmpl-');
  const created = Math.floor(Date.now() / 1000);
  const model = reply.model ?? request.model;
  const usage = usageFor(reply, request);
  const calls = (reply.toolCalls ?? []).map((call) => ({
    id: call.id ?? freshId('call_'),
    name: call.name,
    arguments: argumentsText(call.arguments),
  }));
  const finishReason = calls.length ? 'tool_calls' : 'stop';
  const usageJson = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
  const json = {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.text ?? (calls.length ? null : ''),
          refusal: null,
          ...(calls.length
            ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) }
            : {}),
        },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage: usageJson,
  };
  const includeUsage = (request.body['stream_options'] as { include_usage?: unknown } | undefined)?.include_usage === true;
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    sseData({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
  const frames = [chunk({ role: 'assistant', content: '' }, null)];
  for (const text of deltasOf(reply.text ?? '')) frames.push(chunk({ content: text }, null));
  calls.forEach((call, index) => {
    frames.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }, null));
    const half = Math.ceil(call.arguments.length / 2);
    for (const part of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
      if (part) frames.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }, null));
    }
  });
  frames.push(chunk({}, finishReason));
  if (includeUsage) frames.push(sseData({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageJson }));
  frames.push('data: [DONE]\n\n');
  return { json, frames };
}

/** Renders `reply` in the Anthropic messages format. */
export function renderAnthropic(reply: WireReply, request: WireRequestInfo): RenderedAnswer {
  const id = freshId('msg_');
  const model = reply.model ?? request.model;
  const usage = usageFor(reply, request);
  const calls = (reply.toolCalls ?? []).map((call) => ({
    id: call.id ?? freshId('toolu_'),
    name: call.name,
    arguments: argumentsText(call.arguments),
  }));
  const stopReason = calls.length ? 'tool_use' : 'end_turn';
  const text = reply.text ?? '';
  const content: Record<string, unknown>[] = [
    ...(text || !calls.length ? [{ type: 'text', text, citations: null }] : []),
    ...calls.map((call) => ({ type: 'tool_use', id: call.id, name: call.name, input: JSON.parse(call.arguments || '{}') as unknown })),
  ];
  const usageJson = {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: null,
    cache_read_input_tokens: null,
  };
  const json = { id, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage: usageJson };

  const frames = [
    sseEvent({ type: 'message_start', message: { ...json, content: [], stop_reason: null, usage: { ...usageJson, output_tokens: 1 } } }),
  ];
  let index = 0;
  if (text || !calls.length) {
    frames.push(sseEvent({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
    frames.push(sseEvent({ type: 'ping' }));
    for (const delta of deltasOf(text))
      frames.push(sseEvent({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: delta } }));
    frames.push(sseEvent({ type: 'content_block_stop', index }));
    index += 1;
  }
  for (const call of calls) {
    frames.push(
      sseEvent({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }),
    );
    const half = Math.ceil(call.arguments.length / 2);
    for (const part of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
      if (part) frames.push(sseEvent({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } }));
    }
    frames.push(sseEvent({ type: 'content_block_stop', index }));
    index += 1;
  }
  frames.push(
    sseEvent({
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: usage.outputTokens },
    }),
  );
  frames.push(sseEvent({ type: 'message_stop' }));
  return { json, frames };
}

/** An error body in the protocol's own format. */
export function renderError(protocol: WireProtocol, status: number, message: string): Record<string, unknown> {
  const type = errorType(status);
  return protocol === 'openai'
    ? { error: { message, type, param: null, code: status === 429 ? 'rate_limit_exceeded' : null } }
    : { type: 'error', error: { type, message } };
}

function errorType(status: number): string {
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  return 'api_error';
}

/** Text of the last user message of either protocol's body (string content or text parts). */
export function lastUserText(body: Readonly<Record<string, unknown>>): string {
  const messages = Array.isArray(body['messages']) ? (body['messages'] as unknown[]) : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as { role?: unknown; content?: unknown } | null;
    if (message?.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    if (Array.isArray(message.content)) {
      return message.content
        .map((part: unknown) => {
          const p = part as { type?: unknown; text?: unknown; content?: unknown };
          if (typeof p.text === 'string') return p.text;
          return typeof p.content === 'string' ? p.content : '';
        })
        .join('');
    }
  }
  return '';
}
