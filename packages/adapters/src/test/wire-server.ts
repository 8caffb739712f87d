import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sendFrames, sendJson, serveFault } from './wire-faults.ts';
import { lastUserText, renderAnthropic, renderError, renderOpenAI } from './wire-render.ts';
import type { WireProtocol, WireReply, WireRequest, WireRequestInfo, WireServer, WireServerOptions, WireStep } from './wire-types.ts';

const ROUTES: Readonly<Record<string, WireProtocol>> = { '/v1/chat/completions': 'openai', '/v1/messages': 'anthropic' };

/**
 * Starts a local HTTP server on 127.0.0.1 (a free port) that speaks the OpenAI chat-completions and Anthropic
 * messages wire protocols, JSON and SSE, and answers from a script: replies in order or picked by a matcher, with
 * faults (429 + retry-after, any error status, hang, stall, truncated stream, invalid JSON) injected per request. Point the
 * real SDKs at it to test adapters, or serve recorded replies to run a workflow offline.
 *
 * @example
 * ```ts
 * const server = await startWireServer({ script: [{ fault: { type: 'rate-limit', retryAfterMs: 20 } }, 'Hello!'] });
 * const model = createOpenAIModel({ model: 'gpt-6-luna', baseURL: server.openaiBaseURL, apiKey: 'test' });
 * await model.generate([{ role: 'user', content: 'Hi' }]); // retried once, answers "Hello!"
 * await server.close();
 * ```
 */
export async function startWireServer(options: WireServerOptions): Promise<WireServer> {
  const steps = options.script.map((entry) => (typeof entry === 'string' ? { reply: entry } : entry));
  const remaining = steps.map((step) => step.times ?? 1);
  const requests: WireRequest[] = [];

  const pick = (request: WireRequestInfo): WireStep | undefined => {
    const matched = steps.findIndex((step, i) => (remaining[i] ?? 0) > 0 && step.match !== undefined && matches(step.match, request));
    const index = matched >= 0 ? matched : steps.findIndex((step, i) => (remaining[i] ?? 0) > 0 && step.match === undefined);
    if (index < 0) return undefined;
    remaining[index] = (remaining[index] ?? 0) - 1;
    return steps[index];
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `wire server failed: ${String(error)}`, type: 'api_error' } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const protocol = ROUTES[path];
    const raw = await readBody(req);
    if (req.method !== 'POST' || protocol === undefined) {
      sendJson(res, 404, renderError('openai', 404, `wire server: no route ${req.method ?? ''} ${path}`));
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      sendJson(res, 400, renderError(protocol, 400, 'wire server: the request body is not JSON'));
      return;
    }
    const key = apiKeyOf(req);
    const info: WireRequestInfo = {
      index: requests.length,
      protocol,
      path,
      model: typeof body['model'] === 'string' ? body['model'] : '',
      stream: body['stream'] === true,
      body,
      lastUserMessage: lastUserText(body),
      auth: key.via,
      receivedAt,
    };
    if (options.requireApiKey !== undefined && key.value !== options.requireApiKey) {
      requests.push({ ...info, served: 'error' });
      // Echoes the key as real providers (partly) do, so clients' redaction can be tested.
      sendJson(res, 401, renderError(protocol, 401, `Incorrect API key provided: ${key.value ?? '(none)'}`));
      return;
    }
    const step = pick(info);
    if (step === undefined) {
      requests.push({ ...info, served: 'unscripted' });
      sendJson(res, 400, renderError(protocol, 400, `wire server: the script has no reply left for request #${info.index}`));
      return;
    }
    requests.push({ ...info, served: step.fault?.type ?? 'reply' });
    const reply = resolveReply(step, info);
    const answer = (protocol === 'openai' ? renderOpenAI : renderAnthropic)(reply, info);
    if (step.fault) serveFault(res, step.fault, protocol, answer, info.stream);
    else if (info.stream) sendFrames(res, answer.frames);
    else sendJson(res, 200, answer.json);
  }

  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    requests,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function matches(match: NonNullable<WireStep['match']>, request: WireRequestInfo): boolean {
  if (typeof match === 'string') return request.lastUserMessage.includes(match);
  if (match instanceof RegExp) return match.test(request.lastUserMessage);
  return match(request);
}

function resolveReply(step: WireStep, request: WireRequestInfo): WireReply {
  const reply = typeof step.reply === 'function' ? step.reply(request) : step.reply;
  return typeof reply === 'string' ? { text: reply } : (reply ?? { text: '' });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function apiKeyOf(req: IncomingMessage): { via: WireRequest['auth']; value: string | undefined } {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string') return { via: 'x-api-key', value: header };
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (bearer?.[1] !== undefined) return { via: 'bearer', value: bearer[1] };
  return { via: 'none', value: undefined };
}
