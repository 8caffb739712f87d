/** Replaces every secret; what the log holds instead. */
export const REDACTED = '[REDACTED]';

/** Field names whose values are always redacted, whatever they hold (compared case-insensitively). */
export const DEFAULT_REDACTED_FIELDS: readonly string[] = [
  'apiKey',
  'api_key',
  'authorization',
  'password',
  'secret',
  'accessToken',
  'refreshToken',
];

export interface RedactOptions {
  /** Extra field names (anywhere in an event) whose values never reach the log. */
  readonly fields?: readonly string[];
  /** Where to look for secret env values; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Env var names whose values are secrets wherever they appear. */
const SECRET_ENV_NAME = /_(KEY|TOKEN|SECRET)$/i;
/** Values shorter than this are not treated as secrets: redacting "1" or "dev" everywhere would garble the log. */
const MIN_SECRET_LENGTH = 8;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Key shapes: OpenAI/Anthropic keys, bearer tokens, AWS access key ids, and an AWS secret key next to its id. */
const KEY_PATTERNS = [
  'sk-ant-[A-Za-z0-9_-]{8,}',
  'sk-[A-Za-z0-9_-]{16,}',
  '(?<=[Bb]earer\\s+)[A-Za-z0-9._~+/=-]{8,}',
  '(?<=(?:AKIA|ASIA)[0-9A-Z]{16}[\\s:;,=|]{1,3})[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])',
  '\\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\\b',
  // A 40-character secret access key after its usual names (as secret scanners do: alone it looks like any id).
  '(?<=(?:secret_?access_?key|SecretAccessKey|SECRET_ACCESS_KEY)\\W{1,6})[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])',
];

/** Cheap literal screen run on every event: only text containing one of these pays for the patterns above. */
const KEY_HINTS = ['sk-', 'earer', 'AKIA', 'ASIA', 'AGPA', 'AIDA', 'AROA', 'ccess'];

/** What a redactor needs, as plain data (regular-expression sources), so the audit writer thread can build one too. */
export interface RedactionPlan {
  /** Literal screen: text that does not match it has nothing to redact. */
  readonly screen: string;
  /** Secret values and key shapes, replaced wherever they appear (flag `g`). */
  readonly secrets: string;
  /** A redacted field name followed by a colon. */
  readonly fieldTest: string;
  /** Redacted field names, lower-cased. */
  readonly fields: readonly string[];
}

/** Resolves the options (env values, extra fields) into a plan. */
export function redactionPlan(options: RedactOptions = {}): RedactionPlan {
  const env = options.env ?? process.env;
  const envValues = Object.entries(env)
    .filter(([name, value]) => SECRET_ENV_NAME.test(name) && typeof value === 'string' && value.length >= MIN_SECRET_LENGTH)
    .map(([, value]) => escapeRegExp(JSON.stringify(value).slice(1, -1)))
    .sort((a, b) => b.length - a.length);
  const fields = [...new Set([...DEFAULT_REDACTED_FIELDS, ...(options.fields ?? [])].map((f) => f.toLowerCase()))];
  return {
    secrets: [...envValues, ...KEY_PATTERNS].join('|'),
    // One alternation of literals: irregexp scans it quickly, which keeps the no-secret path to one pass per event.
    screen: [...envValues, ...KEY_HINTS.map(escapeRegExp), ...fields.map((f) => `"${escapeRegExp(f)}"`)].join('|'),
    fieldTest: `"(?:${fields.map(escapeRegExp).join('|')})"\\s*:`,
    fields,
  };
}

/**
 * JavaScript source of `(plan, REDACTED) => (json) => redacted json`: one implementation for both threads. The audit
 * writer thread (chain-worker.ts, which runs untranspiled JavaScript) embeds it; `createRedactor` compiles it once.
 * The common case (nothing to redact) costs one regex test over the text; only a hit pays for a parse and a walk.
 */
export const REDACTOR_SOURCE = String.raw`(plan, REDACTED) => {
  const secrets = new RegExp(plan.secrets, 'g');
  const screen = new RegExp(plan.screen, 'i');
  const fieldTest = new RegExp(plan.fieldTest, 'i');
  const fields = new Set(plan.fields);
  const walk = (value) => {
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      const out = {};
      for (const [k, v] of Object.entries(value)) out[k] = fields.has(k.toLowerCase()) ? REDACTED : walk(v);
      return out;
    }
    return value;
  };
  return (json) => {
    if (!screen.test(json)) return json;
    let out = json;
    if (fieldTest.test(out)) out = JSON.stringify(walk(JSON.parse(out)));
    secrets.lastIndex = 0;
    if (secrets.test(out)) {
      secrets.lastIndex = 0;
      out = out.replace(secrets, REDACTED);
    }
    return out;
  };
}`;

// Compiles our own constant source (shared with the writer thread), once.
const compileRedactor = new Function(`return ${REDACTOR_SOURCE};`)() as (plan: RedactionPlan, redacted: string) => (json: string) => string;

/** Builds the function that strips secrets from an event's JSON text before it is hashed. */
export function createRedactor(options: RedactOptions | RedactionPlan = {}): (json: string) => string {
  return compileRedactor('screen' in options ? options : redactionPlan(options), REDACTED);
}
