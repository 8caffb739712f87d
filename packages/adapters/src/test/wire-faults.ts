import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { renderError, type RenderedAnswer } from './wire-render.ts';
import type { WireFault, WireProtocol } from './wire-types.ts';

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } as const;
const CHUNK = 64 * 1024;

/** Serves `fault` instead of (or in the middle of) `answer`: the hostile half of the wire server. */
export function serveFault(res: ServerResponse, fault: WireFault, protocol: WireProtocol, answer: RenderedAnswer, stream: boolean): void {
  switch (fault.type) {
    case 'rate-limit': {
      const headers: Record<string, string> = {};
      if (fault.retryAfterMs !== undefined) {
        headers['retry-after-ms'] = String(fault.retryAfterMs);
        headers['retry-after'] = String(Math.ceil(fault.retryAfterMs / 1000));
      } else if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      sendJson(res, 429, renderError(protocol, 429, fault.message ?? 'Rate limit reached. Please try again later.'), headers);
      return;
    }
    case 'error':
      sendJson(res, fault.status, renderError(protocol, fault.status, fault.message ?? `scripted error ${fault.status}`));
      return;
    case 'hang':
      return;
    case 'reset':
      res.socket?.destroy();
      return;
    case 'truncate':
      if (stream) {
        res.writeHead(200, SSE_HEADERS);
        for (const frame of answer.frames.slice(0, fault.afterEvents ?? 2)) res.write(frame);
      } else {
        const body = JSON.stringify(answer.json);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.write(body.slice(0, Math.floor(body.length / 2)));
      }
      // Let the written bytes leave before the connection drops.
      setImmediate(() => res.socket?.destroy());
      return;
    case 'stall':
      res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json', 'cache-control': 'no-cache' });
      if (stream) for (const frame of answer.frames.slice(0, fault.afterEvents ?? 1)) res.write(frame);
      return;
    case 'invalid-json':
      if (stream) sendFrames(res, ['data: {"id": "chatcmpl-broken", "choices": [\n\n', 'data: [DONE]\n\n']);
      else sendBody(res, 'application/json', JSON.stringify(answer.json).slice(0, -7));
      return;
    case 'empty':
      if (stream) sendFrames(res, []);
      else sendBody(res, 'application/json', '');
      return;
    case 'garbage': {
      const junk = JSON.stringify({ unexpected: true });
      if (!stream) sendBody(res, 'application/json', junk);
      else if (protocol === 'openai') sendFrames(res, [`data: ${junk}\n\n`, `data: ${junk}\n\n`, 'data: [DONE]\n\n']);
      else sendFrames(res, [`event: message_start\ndata: ${junk}\n\n`, `event: message_stop\ndata: ${junk}\n\n`]);
      return;
    }
    case 'non-sse':
      if (fault.bytes === undefined) sendBody(res, 'application/json', JSON.stringify(answer.json));
      else void sendLong(res, 'application/json', '{"padding": "', fault.bytes);
      return;
    case 'huge':
      void sendLong(res, stream ? 'text/event-stream' : 'application/json', stream ? 'data: {"padding": "' : '{"padding": "', fault.bytes);
      return;
    case 'slow':
      void sendSlowly(res, stream ? answer.frames : [JSON.stringify(answer.json)], stream, fault.intervalMs);
      return;
  }
}

function sendBody(res: ServerResponse, contentType: string, body: string): void {
  res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** `prefix` then `x` up to `bytes`, with no newline, written in 64 KB chunks as fast as the client reads them. */
async function sendLong(res: ServerResponse, contentType: string, prefix: string, bytes: number): Promise<void> {
  res.writeHead(200, { 'content-type': contentType });
  const filler = Buffer.alloc(CHUNK, 'x');
  let sent = 0;
  const write = (chunk: Buffer): Promise<void> => new Promise((resolve) => (res.write(chunk) ? resolve() : res.once('drain', resolve)));
  await write(Buffer.from(prefix));
  sent += prefix.length;
  while (sent < bytes && !res.destroyed) {
    const chunk = filler.subarray(0, Math.min(CHUNK, bytes - sent));
    await write(chunk);
    sent += chunk.length;
  }
  res.end();
}

/** One frame (or, for JSON, one slice of the body) every `intervalMs`. */
async function sendSlowly(res: ServerResponse, frames: readonly string[], stream: boolean, intervalMs: number): Promise<void> {
  res.writeHead(200, stream ? SSE_HEADERS : { 'content-type': 'application/json' });
  const parts = stream ? frames : sliceInto(frames.join(''), 8);
  for (const part of parts) {
    if (res.destroyed) return;
    res.write(part);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  res.end();
}

function sliceInto(text: string, n: number): string[] {
  const size = Math.ceil(text.length / n);
  return Array.from({ length: n }, (_, i) => text.slice(i * size, (i + 1) * size)).filter(Boolean);
}

export function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'request-id': `req_${randomUUID()}`,
    ...headers,
  });
  res.end(body);
}

export function sendFrames(res: ServerResponse, frames: readonly string[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const frame of frames) res.write(frame);
  res.end();
}
