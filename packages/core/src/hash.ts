import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so that equal values always hash equally whatever the order in
 * which their fields were written. Non-finite numbers are rejected: they would not survive a JSON round trip.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '');
}

// Appends to one string rather than joining arrays of parts: every artifact version is hashed, on the hot path.
function write(value: unknown, out: string): string {
  if (value === null || typeof value !== 'object') return out + scalar(value);
  if (Array.isArray(value)) {
    out += '[';
    for (let i = 0; i < value.length; i++) out = write(value[i], i === 0 ? out : out + ',');
    return out + ']';
  }
  const keys = sortedKeys(value);
  out += '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    out = (first ? out : out + ',') + quotedKey(key);
    // A leaf is written here, without a call to write per field.
    out = v === null || typeof v !== 'object' ? out + scalar(v) : write(v, out);
    first = false;
  }
  return out + '}';
}

/** A JSON leaf, as JSON.stringify writes it (numbers and booleans without calling it). */
function scalar(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot hash non-finite number ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return jsonString(value);
  return value === undefined ? 'null' : JSON.stringify(value);
}

// What JSON.stringify escapes in a string: quote, backslash, control characters and (lone) surrogates. Surrogates
// that do pair are caught too and left to JSON.stringify, which writes them as they are.
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as JSON.stringify writes it: most strings (ids, hashes, plain text) need no escaping, and no call to it. */
function jsonString(text: string): string {
  return ESCAPED.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * An object's own enumerable keys in code-unit order (what `Array.prototype.sort` gives strings). Small objects are
 * insertion-sorted in place: the built-in sort copies the array into a work area on every call.
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    for (; j >= 0 && (keys[j] as string) > key; j--) keys[j + 1] = keys[j] as string;
    keys[j + 1] = key;
  }
  return keys;
}

// `"key":` for keys seen before: artifacts repeat the same few field names version after version.
const quoted = new Map<string, string>();
const QUOTED_CAP = 4096;
function quotedKey(key: string): string {
  let text = quoted.get(key);
  if (text === undefined) {
    text = `${jsonString(key)}:`;
    if (quoted.size < QUOTED_CAP) quoted.set(key, text);
  }
  return text;
}

/**
 * The canonical JSON of `{ value, version, parentHash, author }` (what an artifact's hash covers), written without
 * building that object: its keys in sorted order are author, parentHash, value, version.
 */
export function artifactJson(value: unknown, version: number, parentHash: string | null, author: string): string {
  const head = `{"author":${jsonString(author)},"parentHash":${parentHash === null ? 'null' : jsonString(parentHash)}`;
  const withValue = value === undefined ? head : write(value, `${head},"value":`);
  return `${withValue},"version":${scalar(version)}}`;
}

/** Hex SHA-256 of a string. */
export function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}
