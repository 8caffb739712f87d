/** Types of the wire-protocol server's script and records (see `startWireServer`). */

/** A tool call the scripted model makes. `arguments` may be given as an object; it is sent as JSON text. */
export interface WireToolCall {
  /** Defaults to a fresh `call_…` (OpenAI) or `toolu_…` (Anthropic) id. */
  readonly id?: string;
  readonly name: string;
  readonly arguments: string | Readonly<Record<string, unknown>>;
}

/** What the scripted model answers. */
export interface WireReply {
  readonly text?: string;
  readonly toolCalls?: readonly WireToolCall[];
  /** Reported token usage. Defaults to an estimate of ~4 characters per token of request and reply. */
  readonly usage?: { readonly inputTokens: number; readonly outputTokens: number };
  /** The model id reported. Defaults to the model the request asked for. */
  readonly model?: string;
}

/** A failure injected instead of (or in the middle of) an answer. */
export type WireFault =
  /** HTTP 429. `retryAfterMs` sends `retry-after-ms` (and a rounded-up `retry-after`); `retryAfterSeconds` only `retry-after`. */
  | { readonly type: 'rate-limit'; readonly retryAfterMs?: number; readonly retryAfterSeconds?: number; readonly message?: string }
  /** Any HTTP error status (400, 401, 404, 500, 503, ...) with the provider's error body. */
  | { readonly type: 'error'; readonly status: number; readonly message?: string }
  /** Accepts the request and never answers (until the client gives up or the server closes). */
  | { readonly type: 'hang' }
  /**
   * Answers 200, then destroys the socket: a streamed answer after `afterEvents` SSE events (default 2), a JSON one
   * halfway through its body. The `reply` of the step, if any, is what gets cut.
   */
  | { readonly type: 'truncate'; readonly afterEvents?: number }
  /** Answers 200, sends `afterEvents` SSE events (default 1) of a streamed answer, then goes silent with the socket open. */
  | { readonly type: 'stall'; readonly afterEvents?: number }
  /** Answers 200 with a body (or, when streaming, an SSE event) that is not valid JSON. */
  | { readonly type: 'invalid-json' }
  /** Reads the request, then destroys the socket without a byte of answer (a reset connection). */
  | { readonly type: 'reset' }
  /** Answers 200 with nothing: an empty JSON body (`content-length: 0`), or an event stream that ends with no event. */
  | { readonly type: 'empty' }
  /** Answers 200 with well-formed JSON of the wrong shape (`{"unexpected": true}`), as one body or as every SSE event. */
  | { readonly type: 'garbage' }
  /**
   * Answers a streaming call with a plain `application/json` body instead of an event stream: the JSON answer, or
   * `bytes` bytes of JSON with no newline (a hostile 20 MB body), sent in 64 KB writes.
   */
  | { readonly type: 'non-sse'; readonly bytes?: number }
  /** Answers 200 in the right content type with a body of `bytes` bytes and no newline (JSON text, or one SSE line). */
  | { readonly type: 'huge'; readonly bytes: number }
  /** Streams the answer's SSE events one every `intervalMs` (a server slower than any deadline). */
  | { readonly type: 'slow'; readonly intervalMs: number };

/** Which wire protocol a request spoke. */
export type WireProtocol = 'openai' | 'anthropic';

/** One request as the server saw it. The API key itself is not kept, only how it was sent. */
export interface WireRequest {
  /** 0-based arrival order. */
  readonly index: number;
  readonly protocol: WireProtocol;
  readonly path: string;
  readonly model: string;
  readonly stream: boolean;
  /** The parsed JSON body. */
  readonly body: Readonly<Record<string, unknown>>;
  /** Text of the last user message (text parts joined), for matchers and assertions. */
  readonly lastUserMessage: string;
  readonly auth: 'bearer' | 'x-api-key' | 'none';
  /** `performance.now()` at arrival, to measure waits between attempts. */
  readonly receivedAt: number;
  /** What was served: a reply, a fault's type, or `unscripted` when no step was left (answered with HTTP 400). */
  readonly served: 'reply' | WireFault['type'] | 'unscripted';
}

/** The request a step's matcher or reply function sees (before it is served). */
export type WireRequestInfo = Omit<WireRequest, 'served'>;

/**
 * One entry of the script. Steps with a `match` answer the first request they match; steps without answer the
 * remaining requests in order. Each serves `times` requests (default 1; `Infinity` for a standing answer).
 */
export interface WireStep {
  /** A substring (or pattern) of the last user message, or any predicate on the request. */
  readonly match?: string | RegExp | ((request: WireRequestInfo) => boolean);
  /** The answer; a string is the reply text. A function computes it from the request. */
  readonly reply?: WireReply | string | ((request: WireRequestInfo) => WireReply | string);
  /** A failure to serve instead; `truncate` cuts `reply` mid-way. */
  readonly fault?: WireFault;
  readonly times?: number;
}

/** Options of `startWireServer`. */
export interface WireServerOptions {
  /** The script; a bare string is a step that replies with that text once. */
  readonly script: readonly (WireStep | string)[];
  /** When set, requests must carry this key (bearer or x-api-key) or get HTTP 401 in the provider's format. */
  readonly requireApiKey?: string;
}

/** A running server. */
export interface WireServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** For the openai SDK: `${url}/v1`. */
  readonly openaiBaseURL: string;
  /** For the @anthropic-ai/sdk: `url` (the SDK adds `/v1/messages`). */
  readonly anthropicBaseURL: string;
  /** Every request received, in order (live). */
  readonly requests: readonly WireRequest[];
  /** Stops listening and drops every open connection, hanging ones included. */
  close(): Promise<void>;
}
