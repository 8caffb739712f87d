import { resolve } from 'node:path';
import { UserError, type ModelAdapter } from '@baton/core';
import { z } from 'zod';
import { createAnthropicModel } from '../models/anthropic.ts';
import { createOpenAIModel } from '../models/openai.ts';
import type { RetryPolicy } from '../models/retry.ts';
import { isVendorHost, VENDOR_API, type Vendor } from '../models/transport.ts';
import { loadRecordedOutputs } from '../replay/load.ts';
import type { ReplayDataset } from '../replay/records.ts';
import { createReplayModel } from '../replay/replay-model.ts';

const PROVIDERS = ['openai', 'anthropic', 'openai-compatible', 'replay'] as const;
const positiveMs = z.number().int().positive();

/** Dollars per token (not per million) of one model: what a model outside the price table needs to be priced. */
export const tokenPriceSchema = z
  .strictObject({
    inputPerToken: z.number().nonnegative().describe('USD per input token, e.g. 0.00000015 for $0.15 per million'),
    outputPerToken: z.number().nonnegative().describe('USD per output token'),
  })
  .describe('Dollars per token of this model; required when the model is not in the price table (0 and 0 for a free local model).');

/**
 * The fields of a model binding, apart so that a schema embedding a binding (an agent: role plus binding) can
 * spread them. Cross-field rules live in {@link checkBinding}.
 */
export const bindingFields = {
  provider: z
    .enum(PROVIDERS)
    .describe(
      'openai and anthropic: the vendor API (or a proxy at baseURL); openai-compatible: any server speaking chat completions at baseURL (Ollama, vLLM, llama.cpp); replay: recorded outputs in `data`.',
    ),
  model: z.string().min(1).describe('The model id sent to the provider (or the recorded model of a replay data set).'),
  baseURL: z
    .url({ protocol: /^https?$/, error: 'must be an absolute http:// or https:// URL' })
    .optional()
    .describe('Where the API lives. Required for openai-compatible. Off the vendor host no vendor key is sent (see apiKeyEnv).'),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable, e.g. LOCAL_LLM_KEY')
    .optional()
    .describe(
      'The environment variable holding the key for this binding. Default: OPENAI_API_KEY / ANTHROPIC_API_KEY for the vendor host, no key elsewhere.',
    ),
  prices: tokenPriceSchema.optional(),
  deadlineMs: positiveMs.optional().describe('Deadline of one call, retries included (default: deadlines.callMs, else 30 000).'),
  timeoutMs: positiveMs.optional().describe('Deadline of one attempt (default: what is left of the call deadline).'),
  maxAttempts: z.number().int().min(1).optional().describe('Attempts per call, the first included (default 4).'),
  data: z.string().min(1).optional().describe('replay only: a RouteLLM GSM8K directory or responses CSV, or a RouterBench CSV.'),
} as const;

const VENDOR_KEY_ENVS: Readonly<Record<string, Vendor>> = { OPENAI_API_KEY: 'openai', ANTHROPIC_API_KEY: 'anthropic' };

/** Rules between fields of one binding, reported on the field to fix. */
type BindingShape = z.infer<z.ZodObject<typeof bindingFields>>;

export function checkBinding(binding: { readonly [K in keyof BindingShape]?: BindingShape[K] | undefined }, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string): void => ctx.addIssue({ code: 'custom', path: [path], message });
  if (binding.provider === 'replay') {
    if (binding.data === undefined) issue('data', 'a replay binding needs "data": the recorded outputs to answer from');
    for (const field of ['baseURL', 'apiKeyEnv', 'deadlineMs', 'timeoutMs', 'maxAttempts'] as const)
      if (binding[field] !== undefined) issue(field, 'does not apply to replay (answers come from the recorded data)');
    return;
  }
  if (binding.data !== undefined) issue('data', 'applies to replay bindings only');
  if (binding.provider === 'openai-compatible' && binding.baseURL === undefined)
    issue('baseURL', 'an openai-compatible binding needs the server\'s baseURL, e.g. "http://localhost:11434/v1"');
  const keyVendor = binding.apiKeyEnv === undefined ? undefined : VENDOR_KEY_ENVS[binding.apiKeyEnv];
  if (keyVendor !== undefined && binding.provider !== undefined && !onVendorHost(binding.provider, binding.baseURL, keyVendor))
    issue(
      'apiKeyEnv',
      `${binding.apiKeyEnv ?? ''} is ${keyVendor}'s key and goes only to ${VENDOR_API[keyVendor].url}; name a variable of this server's own`,
    );
}

function onVendorHost(provider: (typeof PROVIDERS)[number], baseURL: string | undefined, vendor: Vendor): boolean {
  if (provider === 'replay') return false;
  if (provider === 'openai-compatible') return baseURL !== undefined && isVendorHost(vendor, baseURL);
  return provider === vendor && isVendorHost(vendor, baseURL);
}

/**
 * One agent's model in a workflow config file: which provider, which model, where, with which key and price. Strict:
 * an unknown key is an error naming it.
 */
export const modelBindingSchema = z.strictObject(bindingFields).superRefine(checkBinding);

export type ModelBinding = z.infer<typeof modelBindingSchema>;

/** The binding fields of an object that also has others (an agent's role, features): what modelFromBinding takes. */
export function bindingOf(value: Readonly<Record<string, unknown>>): ModelBinding {
  return Object.fromEntries(
    Object.keys(bindingFields).flatMap((key) => (value[key] === undefined ? [] : [[key, value[key]]])),
  ) as ModelBinding;
}

/** What {@link modelFromBinding} needs besides the binding. */
export interface BindingContext {
  /** Where the binding sits, for error messages: `agents.weak` gives `agents.weak.prices: ...`. */
  readonly field?: string;
  /** Resolves a relative replay `data` path (the config file's folder). Default: the working directory. */
  readonly baseDir?: string;
  /** Applied when the binding gives none (a config file's `deadlines.callMs`, a shared retry budget). */
  readonly defaults?: { readonly deadlineMs?: number; readonly retry?: RetryPolicy };
  /** Recorded data sets by resolved path, shared by the bindings of one config so each file is read once. */
  readonly datasets?: Map<string, ReplayDataset>;
}

/**
 * Turns one binding into a ModelAdapter. Keys follow one rule: `apiKeyEnv` names the variable to read from `env`;
 * without it the vendor's own variable is read, and only when the binding talks to the vendor's own host; any other
 * host gets no key. Errors name the binding's field.
 *
 * @example
 * ```ts
 * const local = modelFromBinding(
 *   { provider: 'openai-compatible', model: 'llama3.2', baseURL: 'http://localhost:11434/v1', prices: { inputPerToken: 0, outputPerToken: 0 } },
 *   process.env,
 *   { field: 'agents.weak' },
 * );
 * ```
 */
export function modelFromBinding(
  binding: ModelBinding,
  env: Readonly<Record<string, string | undefined>>,
  context: BindingContext = {},
): ModelAdapter {
  const at = (field: string): string => (context.field && field ? `${context.field}.${field}` : context.field || field);
  const parsed = modelBindingSchema.safeParse(binding);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message =
      issue?.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` : issue?.message;
    const path = issue?.path.join('.') ?? '';
    throw new UserError(message ?? 'invalid binding', {
      ...(context.field || path ? { field: at(path) } : {}),
      code: 'user.invalid-config',
    });
  }
  const b = parsed.data;
  try {
    if (b.provider === 'replay') return replayModel(b, context);
    const vendor: Vendor = b.provider === 'anthropic' ? 'anthropic' : 'openai';
    const apiKey = keyFor(b, vendor, env);
    const common = {
      model: b.model,
      ...(b.baseURL === undefined ? {} : { baseURL: b.baseURL }),
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(b.prices === undefined ? {} : { prices: { [b.model]: b.prices } }),
      ...deadlines(b, context),
      ...retryOf(b, context),
    };
    return vendor === 'anthropic' ? createAnthropicModel(common) : createOpenAIModel(common);
  } catch (error) {
    throw rehomed(error, at, b.model);
  }
}

/**
 * The environment variable a binding's key is read from, or undefined when it is sent no key: `apiKeyEnv`, else the
 * vendor's own variable for the vendor's own host, else nothing. Says where a key goes without reading it.
 */
export function keySourceOf(binding: Pick<ModelBinding, 'provider' | 'baseURL' | 'apiKeyEnv'>): string | undefined {
  if (binding.provider === 'replay') return undefined;
  if (binding.apiKeyEnv !== undefined) return binding.apiKeyEnv;
  const vendor: Vendor = binding.provider === 'anthropic' ? 'anthropic' : 'openai';
  return binding.provider !== 'openai-compatible' && isVendorHost(vendor, binding.baseURL) ? VENDOR_API[vendor].keyEnv : undefined;
}

function keyFor(b: ModelBinding, vendor: Vendor, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const source = keySourceOf(b);
  if (source === undefined) return undefined;
  const key = env[source];
  if (key !== undefined && key !== '') return key;
  throw new UserError(
    b.apiKeyEnv === undefined
      ? `no API key for ${vendor}: set ${source} (or name another variable in apiKeyEnv)`
      : `the environment variable ${source} is not set`,
    { field: 'apiKeyEnv', code: 'user.missing-api-key' },
  );
}

function deadlines(b: ModelBinding, context: BindingContext): { deadlineMs?: number; timeoutMs?: number } {
  const deadlineMs = b.deadlineMs ?? context.defaults?.deadlineMs;
  return { ...(deadlineMs === undefined ? {} : { deadlineMs }), ...(b.timeoutMs === undefined ? {} : { timeoutMs: b.timeoutMs }) };
}

function retryOf(b: ModelBinding, context: BindingContext): { retry?: RetryPolicy } {
  const base = context.defaults?.retry;
  if (b.maxAttempts === undefined) return base === undefined ? {} : { retry: base };
  return { retry: { ...base, maxAttempts: b.maxAttempts } };
}

function replayModel(b: ModelBinding, context: BindingContext): ModelAdapter {
  const path = resolve(context.baseDir ?? process.cwd(), b.data ?? '');
  let dataset = context.datasets?.get(path);
  if (dataset === undefined) {
    dataset = loadRecordedOutputs(path, 'data');
    context.datasets?.set(path, dataset);
  }
  return createReplayModel({ model: b.model, records: dataset, ...(b.prices === undefined ? {} : { prices: { [b.model]: b.prices } }) });
}

/** A factory's UserError (`prices: ...`, `model: ...`) re-told at the binding's own path, with a hint in config terms. */
function rehomed(error: unknown, at: (field: string) => string, model: string): unknown {
  if (!(error instanceof UserError)) return error;
  const field = error.field ?? '';
  const bare = field && error.message.startsWith(`${field}: `) ? error.message.slice(field.length + 2) : error.message;
  const message =
    error.code === 'user.missing-price'
      ? `no price known for model "${model}"; add "prices": { "inputPerToken": 0, "outputPerToken": 0 } to this binding (US dollars per token; zeros for a free local model)`
      : bare;
  return new UserError(message, { field: at(field === 'apiKey' ? 'apiKeyEnv' : field || 'model'), code: error.code, cause: error });
}
