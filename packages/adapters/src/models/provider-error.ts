import { ProviderError } from '@baton/core';

/** What the attempt runner knew when an attempt failed: which of its own signals fired, and what must never leak. */
export interface FailureContext {
  readonly provider: string;
  /** The per-attempt timer fired (ms); the request is worth retrying. */
  readonly timedOutAfterMs?: number;
  /** Strings that must not appear in any message (the API key). */
  readonly secrets?: readonly string[];
}

const retryAfterHints = new WeakMap<ProviderError, number>();

/** The wait the provider asked for (retry-after-ms / retry-after), if it asked. */
export function retryAfterOf(error: ProviderError): number | undefined {
  return retryAfterHints.get(error);
}

const CONNECTION_ERROR_NAMES = new Set(['APIConnectionError', 'APIConnectionTimeoutError', 'FetchError']);
const CONNECTION_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** How deep to look through `cause` chains: the openai SDK nests the socket's code two levels down. */
const CAUSE_DEPTH = 6;

/** Thrown by Baton's guarded fetch when an answer is bigger than `maxResponseBytes`. */
export class ResponseTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`the response is larger than ${limitBytes} bytes (maxResponseBytes)`);
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * Turns whatever an SDK threw into a ProviderError saying whether a retry may help. Works by shape rather than by
 * `instanceof`, because LangChain integrations may bundle their own copy of a vendor SDK.
 */
export function toProviderError(error: unknown, context: FailureContext): ProviderError {
  const { provider } = context;
  const clean = (text: string) => redact(text, context.secrets ?? []);
  // First: once the time is up, whatever the attempt threw (a stream the SDK ended quietly on abort) is a timeout.
  if (context.timedOutAfterMs !== undefined) {
    return new ProviderError(`${provider}: no complete answer within ${context.timedOutAfterMs} ms`, {
      provider,
      retryable: true,
      code: 'provider.timeout',
      cause: error,
    });
  }
  if (error instanceof ProviderError) return error;
  const status = numberField(error, 'status');
  if (status !== undefined) {
    const providerMessage = clean(providerMessageOf(error));
    const made = new ProviderError(`${provider} answered HTTP ${status}: ${providerMessage}`, {
      provider,
      status,
      retryable: status === 408 || status === 409 || status === 429 || status >= 500,
      providerMessage,
      code: codeForStatus(status),
      cause: error,
    });
    const hint = retryAfterMs(headersOf(error));
    if (hint !== undefined) retryAfterHints.set(made, hint);
    return made;
  }
  const message = clean(error instanceof Error ? error.message : String(error));
  const tooLarge = causes(error).find((e) => e instanceof ResponseTooLargeError);
  if (tooLarge) return invalidResponse(provider, (tooLarge as Error).message, error);
  if (error instanceof SyntaxError) {
    return new ProviderError(`${provider} sent a response that is not valid JSON: ${message}`, {
      provider,
      retryable: false,
      code: 'provider.invalid-response',
      providerMessage: message,
      cause: error,
    });
  }
  const connection = connectionFailure(error);
  if (connection !== undefined) {
    const detail = clean(connection);
    return new ProviderError(
      `${provider}: connection failed: ${message === detail || detail === '' ? message : `${message} (${detail})`}`,
      {
        provider,
        retryable: true,
        code: 'provider.connection',
        cause: error,
      },
    );
  }
  return new ProviderError(`${provider}: ${message}`, { provider, retryable: false, cause: error });
}

/** Removes the given secrets and anything shaped like a vendor API key. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out.replace(/\b(sk-(?:ant-)?[A-Za-z0-9_*-]{6,})/g, 'sk-[redacted]');
}

/**
 * The server's requested wait in ms: `retry-after-ms` (OpenAI's), else `retry-after` as seconds or an HTTP date.
 */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (headers === undefined) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (raw === null) return undefined;
  const seconds = Number.parseFloat(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

function codeForStatus(status: number): string {
  if (status === 429) return 'provider.rate-limited';
  if (status >= 500) return 'provider.server-error';
  if (status === 401 || status === 403) return 'provider.unauthorized';
  if (status === 404) return 'provider.not-found';
  return 'provider.bad-request';
}

/** The provider's own words: OpenAI puts them at `error.message`, Anthropic at `error.error.message`. */
function providerMessageOf(error: unknown): string {
  const body = field(error, 'error');
  const nested = field(body, 'error');
  const message = stringField(nested, 'message') ?? stringField(body, 'message');
  if (message !== undefined) return message;
  const own = error instanceof Error ? error.message : String(error);
  return own.replace(/^\d{3}\s+/, '');
}

function headersOf(error: unknown): { get(name: string): string | null } | undefined {
  const headers = field(error, 'headers');
  if (headers instanceof Headers) return headers;
  if (headers !== null && typeof headers === 'object') {
    const record = headers as Record<string, unknown>;
    return { get: (name) => (typeof record[name] === 'string' ? record[name] : null) };
  }
  return undefined;
}

/**
 * Whether `error` (or anything in its cause chain) is a failed, reset or dropped connection, and if so the deepest
 * cause's words (`ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9`). The openai SDK's `APIConnectionError` is named
 * plain `Error` and keeps the socket's code at `cause.cause`, so names alone do not do.
 */
export function connectionFailure(error: unknown): string | undefined {
  let found = false;
  let detail = '';
  for (const link of causes(error)) {
    const code = stringField(link, 'code');
    const named = CONNECTION_ERROR_NAMES.has(link.name) || CONNECTION_ERROR_NAMES.has(link.constructor.name);
    // undici reports a socket closed mid-body as `TypeError: terminated`, a failed connect as `fetch failed`.
    const undici = link instanceof TypeError && (link.message === 'terminated' || link.message === 'fetch failed');
    const coded = code !== undefined && CONNECTION_ERROR_CODES.has(code);
    if (named || undici || coded) found = true;
    if (link !== error) detail = code !== undefined && !link.message.includes(code) ? `${code}: ${link.message}` : link.message;
  }
  return found ? detail : undefined;
}

/** `error` and its causes, outermost first (Errors only, cycles and depth bounded). */
function causes(error: unknown): Error[] {
  const chain: Error[] = [];
  let link: unknown = error;
  while (link instanceof Error && chain.length < CAUSE_DEPTH && !chain.includes(link)) {
    chain.push(link);
    link = link.cause;
  }
  return chain;
}

/** An answer Baton cannot use (empty, the wrong shape, too big, not an event stream): never retried. */
export function invalidResponse(provider: string, detail: string, cause?: unknown): ProviderError {
  return new ProviderError(`${provider}: unusable response: ${detail}`, {
    provider,
    retryable: false,
    code: 'provider.invalid-response',
    ...(cause === undefined ? {} : { cause }),
  });
}

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' && name in value ? (value as Record<string, unknown>)[name] : undefined;
}

function stringField(value: unknown, name: string): string | undefined {
  const found = field(value, name);
  return typeof found === 'string' ? found : undefined;
}

function numberField(value: unknown, name: string): number | undefined {
  const found = field(value, name);
  return typeof found === 'number' ? found : undefined;
}
