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
  'token',
  'pat',
  'cookie',
];

/**
 * Field names that hold a secret by their shape, compared with case and separators dropped (`openai_key` ->
 * `openaikey`): `…apiKey`, a vendor's or a kind of key (`openaiKey`, `privateKey`), `…password`, `…secret`,
 * `…credentials`, a kind of token (`githubToken`, `idToken`, but not `inputTokens`), `…authorization`.
 */
const SECRET_FIELD_NAME = [
  '^(?:token|pat|pwd|cookie|auth)$',
  '(?:password|passwd|passphrase|secret|credentials?|authorization|cookies?)$',
  '(?:api|access|secret|private|signing|encryption|client|auth|master|session|hmac|license|account|service|subscription)key$',
  '(?:openai|anthropic|azure|aws|gcp|google|gemini|github|gitlab|stripe|slack|mistral|cohere|groq|hf|huggingface|replicate|together|deepseek|xai|fireworks|openrouter|voyage)(?:api)?key$',
  '(?:access|refresh|auth|bearer|api|id|session|oauth|csrf|github|gh|gitlab|slack|hf|npm|personalaccess)token$',
  '(?:github|gh|gitlab)pat$',
].join('|');
/** Raw-text screen for those names: a JSON key that ends in one of these words (checked before any parse). */
const SECRET_FIELD_HINT = '(?:key|password|passwd|passphrase|secret|credentials?|authorization|cookies?|token|pat|pwd|auth)';

export interface RedactOptions {
  /** Extra field names (anywhere in an event) whose values never reach the log. */
  readonly fields?: readonly string[];
  /** Where to look for secret env values; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Env var names whose values are secrets wherever they appear (`OPENAI_API_KEY`, `DB_PASSWORD`, `GITHUB_PAT`, …). */
const SECRET_ENV_NAME = /(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?|_PASS|_PAT|_AUTH)$/i;
/** Values shorter than this are not treated as secrets: redacting "1" or "dev" everywhere would garble the log. */
const MIN_SECRET_LENGTH = 8;
/** A secret's first or last this many characters count as the secret (a truncated or masked echo of it). */
const PARTIAL_LENGTH = 12;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** How the value is written inside the event's JSON text. */
const jsonText = (s: string): string => JSON.stringify(s).slice(1, -1);

/**
 * The parts of `value`'s base64 (and base64url) that do not depend on what surrounds it: the encoding of a secret
 * inside a longer string (a Basic auth header, a data blob) depends on its offset modulo 3, so each offset gives one.
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Skip the first group when it mixes in the unknown bytes before, and the last when it mixes in those after.
    const from = offset === 0 ? 0 : 4;
    const to = 4 * Math.floor((offset + bytes.length) / 3);
    const part = text.slice(from, to);
    if (part.length >= MIN_SECRET_LENGTH) forms.push(part, part.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/**
 * Every form in which a secret env value may reach the log: as it is, URL-encoded, base64-encoded, and its first
 * and last PARTIAL_LENGTH characters (a prefix also takes the key characters after it, so `sk-proj-Xk3v…` or a
 * masked `sk-proj-Xk3v****` go whole). Sources of regular expressions, and the literals that screen for them.
 */
function secretValueForms(value: string): { patterns: string[]; literals: string[] } {
  const whole = [value, encodeURIComponent(value), ...base64Forms(value)];
  const patterns = [...new Set(whole)].map((v) => escapeRegExp(jsonText(v)));
  const literals = [...patterns];
  if (value.length > PARTIAL_LENGTH) {
    const prefix = escapeRegExp(jsonText(value.slice(0, PARTIAL_LENGTH)));
    const suffix = escapeRegExp(jsonText(value.slice(-PARTIAL_LENGTH)));
    patterns.push(`${prefix}[A-Za-z0-9_*+/=-]*`, suffix);
    literals.push(prefix, suffix);
  }
  return { patterns, literals };
}

/**
 * Key shapes (one capturing group, when present, is text kept before the redacted part): OpenAI/Anthropic keys (also
 * masked with `*`), GitHub, GitLab, Slack, Google, Hugging Face, Stripe and npm tokens, JWTs, bearer tokens and Basic
 * credentials, AWS access key ids (and a secret key next to its id), a URL's password and secret query parameters.
 */
const KEY_PATTERNS = [
  '(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_*-]{8,}',
  '(?<![A-Za-z0-9])sk-[A-Za-z0-9_*-]{16,}',
  '(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9]{20,}',
  '(?<![A-Za-z0-9])github_pat_[A-Za-z0-9_]{20,}',
  '(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,}',
  '(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}',
  '(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}',
  '(?<![A-Za-z0-9])hf_[A-Za-z0-9]{30,}',
  '(?<![A-Za-z0-9])[sr]k_(?:live|test)_[A-Za-z0-9]{16,}',
  '(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}',
  // A JWT: three base64url parts, the first two JSON objects.
  '(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}',
  // The base64 of a key that starts a base64 text ("sk-" is "c2st"), e.g. a key encoded on its own.
  '(?<![A-Za-z0-9+/])c2st[A-Za-z0-9+/]{20,}={0,2}',
  '(?<=[Bb]earer\\s+)[A-Za-z0-9._~+/=-]{8,}',
  '((?:[Aa]uthorization|AUTHORIZATION)\\W{1,4}(?:[Bb]asic|BASIC)\\s+)[A-Za-z0-9+/]{8,}={0,2}',
  '(?<=(?:AKIA|ASIA)[0-9A-Z]{16}[\\s:;,=|]{1,3})[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])',
  '\\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\\b',
  // A 40-character secret access key after its usual names (as secret scanners do: alone it looks like any id).
  '(?<=(?:secret_?access_?key|SecretAccessKey|SECRET_ACCESS_KEY)\\W{1,6})[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])',
  // user:password@ in a URL (bounded, so a long run without an @ costs little).
  '(://[^\\s/:@"\\\\]{0,128}:)[^\\s/@"\\\\]{3,256}(?=@)',
  // ?api_key=…, &token=…, &X-Amz-Signature=… in a URL (screened by its ://).
  '([?&;](?:[A-Za-z_-]{0,32}(?:[Kk]ey|KEY|[Tt]oken|TOKEN|[Ss]ecret|SECRET|[Pp]assword|PASSWORD|[Pp]asswd|[Ss]ignature|[Cc]redential)|pass|sig|auth|code)=)[^&\\s"\'#<>\\\\]{6,}',
];

/**
 * Cheap screen run on every event (case-sensitive, which irregexp scans several times faster than a case-insensitive
 * alternation): only text matching one of these pays for the patterns above.
 */
const KEY_HINTS = [
  'sk-',
  'gh[pousr]_',
  'github_pat_',
  'glpat-',
  'xox',
  'AIza',
  'hf_',
  'k_live_',
  'k_test_',
  'npm_',
  'eyJ',
  'c2st',
  '[Bb]earer',
  'uthorization',
  'AUTHORIZATION',
  'A(?:KIA|SIA|GPA|IDA|ROA)',
  'ccess',
  'CCESS',
  // A URL: its password and its query parameters.
  '://',
];

/** What a redactor needs, as plain data (regular-expression sources), so the audit writer thread can build one too. */
export interface RedactionPlan {
  /** Screen for key shapes (case-sensitive): text that matches neither it nor `valueScreen` holds no secret. */
  readonly screen: string;
  /** Screen for the secret env values in all their forms (case-sensitive); empty when there are none. */
  readonly valueScreen: string;
  /** Screen for secret field names (case-insensitive): text that does not match it has no field to redact. */
  readonly fieldScreen: string;
  /** Secret values in every form, and key shapes, replaced wherever they appear (flag `g`). */
  readonly secrets: string;
  /** A JSON key that may be a redacted field, followed by a colon (case-insensitive). */
  readonly fieldTest: string;
  /** Field names redacted by their shape, tested on the name lower-cased with everything but letters and digits dropped. */
  readonly fieldName: string;
  /** Field names redacted exactly, lower-cased. */
  readonly fields: readonly string[];
}

/** Resolves the options (env values, extra fields) into a plan. */
export function redactionPlan(options: RedactOptions = {}): RedactionPlan {
  const env = options.env ?? process.env;
  const values = [
    ...new Set(
      Object.entries(env)
        .filter(([name, value]) => SECRET_ENV_NAME.test(name) && typeof value === 'string' && value.length >= MIN_SECRET_LENGTH)
        .map(([, value]) => value as string),
    ),
  ];
  const forms = values.map(secretValueForms);
  // Longest first, so a whole value wins over its own prefix.
  const envPatterns = [...new Set(forms.flatMap((f) => f.patterns))].sort((a, b) => b.length - a.length);
  const envLiterals = [...new Set(forms.flatMap((f) => f.literals))];
  const fields = [...new Set([...DEFAULT_REDACTED_FIELDS, ...(options.fields ?? [])].map((f) => f.toLowerCase()))];
  return {
    secrets: [...envPatterns, ...KEY_PATTERNS].join('|'),
    // One alternation of literals: irregexp scans it quickly, which keeps the no-secret path to one pass per event.
    // Apart: irregexp scans two short alternations much faster than one long one.
    screen: KEY_HINTS.join('|'),
    valueScreen: envLiterals.join('|'),
    fieldScreen: [`${SECRET_FIELD_HINT}"`, ...fields.map((f) => `"${escapeRegExp(f)}"`)].join('|'),
    fieldTest: `"(?:[^"\\\\]*${SECRET_FIELD_HINT}|${fields.map(escapeRegExp).join('|')})"\\s*:`,
    fieldName: SECRET_FIELD_NAME,
    fields,
  };
}

/**
 * Builds the function that strips secrets from an event's JSON text before it is hashed; one implementation for both
 * threads (the audit writer thread, chain-worker.ts, gets the plan). The common case (nothing to redact) costs one
 * regex test over the text; only a hit pays for a parse and a walk.
 */
export function createRedactor(options: RedactOptions | RedactionPlan = {}): (json: string) => string {
  const plan = 'screen' in options ? options : redactionPlan(options);
  const secrets = new RegExp(plan.secrets, 'g');
  const screen = new RegExp(plan.screen);
  const valueScreen = plan.valueScreen === '' ? undefined : new RegExp(plan.valueScreen);
  const hasSecret = (text: string): boolean => screen.test(text) || (valueScreen !== undefined && valueScreen.test(text));
  const fieldScreen = new RegExp(plan.fieldScreen, 'i');
  const fieldTest = new RegExp(plan.fieldTest, 'i');
  const fieldName = new RegExp(plan.fieldName);
  const fields = new Set(plan.fields);
  const secretField = (k: string): boolean => fields.has(k.toLowerCase()) || fieldName.test(k.toLowerCase().replace(/[^a-z0-9]/g, ''));
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      // No prototype: a key named __proto__ stays an ordinary key.
      const out = Object.create(null) as Record<string, unknown>;
      for (const [k, v] of Object.entries(value)) out[k] = secretField(k) ? REDACTED : walk(v);
      return out;
    }
    return value;
  };
  // A pattern's one capturing group, when it matched, is text to keep before the secret.
  const groups = (new RegExp(plan.secrets + '|').exec('') as RegExpExecArray).length - 1;
  const replace = (_match: string, ...captured: unknown[]): string => {
    for (let i = 0; i < groups; i++) if (typeof captured[i] === 'string') return (captured[i] as string) + REDACTED;
    return REDACTED;
  };
  return (json) => {
    let shaped = hasSecret(json);
    const named = fieldScreen.test(json);
    if (!shaped && !named) return json;
    let out = json;
    if (named && fieldTest.test(out)) {
      out = JSON.stringify(walk(JSON.parse(out)));
      shaped = hasSecret(out);
    }
    secrets.lastIndex = 0;
    if (shaped && secrets.test(out)) {
      secrets.lastIndex = 0;
      out = out.replace(secrets, replace);
    }
    return out;
  };
}
