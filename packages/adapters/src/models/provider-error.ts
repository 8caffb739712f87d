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
const CONNECTION_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/**
 * Turns whatever an SDK threw into a ProviderError saying whether a retry may help. Works by shape rather than by
 * `instanceof`, because LangChain integrations may bundle their own copy of a vendor SDK.
 */
export function toProviderError(error: unknown, context: FailureContext): ProviderError {
  if (error instanceof ProviderError) return error;
  const { provider } = context;
  const clean = (text: string) => redact(text, context.secrets ?? []);
  if (context.timedOutAfterMs !== undefined) {
    return new ProviderError(`${provider}: no complete answer within ${context.timedOutAfterMs} ms`, {
      provider,
      retryable: true,
      code: 'provider.timeout',
      cause: error,
    });
  }
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
  if (error instanceof SyntaxError) {
    return new ProviderError(`${provider} sent a response that is not valid JSON: ${message}`, {
      provider,
      retryable: false,
      code: 'provider.invalid-response',
      providerMessage: message,
      cause: error,
    });
  }
  if (isConnectionError(error)) {
    return new ProviderError(`${provider}: connection failed: ${message}`, {
      provider,
      retryable: true,
      code: 'provider.connection',
      cause: error,
    });
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

function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (CONNECTION_ERROR_NAMES.has(error.name)) return true;
  const code = stringField(error, 'code') ?? stringField(field(error, 'cause'), 'code');
  if (code !== undefined && CONNECTION_ERROR_CODES.has(code)) return true;
  // undici reports a socket closed mid-body as `TypeError: terminated`.
  return error instanceof TypeError && (error.message === 'terminated' || error.message === 'fetch failed');
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
