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
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`cannot hash non-finite number ${value}`);
    return out + (value === undefined ? 'null' : JSON.stringify(value));
  }
  if (Array.isArray(value)) {
    out += '[';
    for (let i = 0; i < value.length; i++) out = write(value[i], i === 0 ? out : out + ',');
    return out + ']';
  }
  const keys = Object.keys(value).sort();
  out += '{';
  let first = true;
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    out = write(v, `${first ? out : out + ','}${JSON.stringify(key)}:`);
    first = false;
  }
  return out + '}';
}

/** Hex SHA-256 of a string. */
export function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}
