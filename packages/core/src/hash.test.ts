import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { canonicalJson, createArtifact, reviseArtifact, Rng, sha256, verifyArtifact } from '@baton/core';

/** The definition, written the slow obvious way: keys sorted by the built-in sort at every depth. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${reference((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

const KEYS = ['a', 'B', 'b', 'aa', 'z', '10', '9', 'é', 'ä', '\u{1F600}', 'key with "quotes"', '', '_'];
const LEAVES: unknown[] = [
  0,
  -0,
  1,
  -1.5,
  0.1,
  1e21,
  1e-7,
  2 ** 53,
  true,
  false,
  null,
  undefined,
  '',
  'text',
  'line\nbreak',
  '"',
  'ü\u2028',
  'back\\slash',
  '\u0000\u001f\u007f',
  'lone \ud800 and \udfff',
  'paired \ud83d\ude00',
];

function randomValue(rng: Rng, depth: number): unknown {
  const kind = depth > 3 ? 0 : rng.int(4);
  if (kind === 0 || kind === 1) return LEAVES[rng.int(LEAVES.length)];
  if (kind === 2) return Array.from({ length: rng.int(5) }, () => randomValue(rng, depth + 1));
  const out: Record<string, unknown> = {};
  const n = rng.int(3) === 0 ? 17 + rng.int(10) : rng.int(8);
  for (let i = 0; i < n; i++) out[`${String(KEYS[rng.int(KEYS.length)])}${n > 16 ? i : ''}`] = randomValue(rng, depth + 1);
  return out;
}

describe('canonicalJson', () => {
  it('equals the sorted-keys definition on random nested values (small and large objects, odd keys and numbers)', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 2000; i++) {
      const value = randomValue(rng, 0);
      expect(canonicalJson(value)).toBe(reference(value));
    }
  });

  it('ignores the order fields were written in, and rejects non-finite numbers', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(RangeError);
    expect(() => canonicalJson({ a: Infinity })).toThrow(RangeError);
  });
});

describe('artifact hashes', () => {
  const schema = z.object({
    text: z.string(),
    n: z.number(),
    tags: z.array(z.string()),
    meta: z.object({ z: z.number(), a: z.boolean() }),
  });

  it('cover the canonical JSON of { value, version, parentHash, author }, for first and revised versions', () => {
    const first = createArtifact(schema, { text: 'draft "one"', n: -0, tags: ['b', 'a'], meta: { z: 1e21, a: true } });
    expect(first.hash).toBe(sha256(canonicalJson({ value: first.value, version: 0, parentHash: null, author: 'input' })));
    const next = reviseArtifact(schema, first, { text: 'draft\ntwo', n: 0.1, tags: [], meta: { z: 2, a: false } }, 'agent "x"');
    expect(next.hash).toBe(sha256(canonicalJson({ value: next.value, version: 1, parentHash: first.hash, author: 'agent "x"' })));
    expect(verifyArtifact(first) && verifyArtifact(next)).toBe(true);
    expect(verifyArtifact({ ...next, author: 'someone else' })).toBe(false);
    expect(Object.isFrozen(next.value.meta) && Object.isFrozen(next.value.tags)).toBe(true);
  });

  it("are validated with the schema's compiled clone: the same values, the same errors, refinements and transforms kept", () => {
    const strict = z.object({
      text: z.string().min(1),
      n: z.number().int().nonnegative(),
      label: z.string().transform((s) => s.trim()),
      pair: z.tuple([z.number(), z.number()]).refine(([a, b]) => a <= b, { message: 'unordered pair' }),
    });
    const good = { text: 'x', n: 2, label: ' padded ', pair: [1, 2] };
    const made = createArtifact(strict, good);
    expect(made.value).toEqual(strict.parse(good));
    expect(made.value).not.toBe(good);
    const bad: unknown[] = [
      { ...good, n: -1 },
      { ...good, n: 1.5 },
      { ...good, text: '' },
      { ...good, pair: [2, 1] },
      { ...good, label: 3 },
      null,
      'text',
    ];
    for (const value of bad) {
      const issue = strict.safeParse(value).error?.issues[0];
      let thrown: unknown;
      try {
        createArtifact(strict, value);
      } catch (error) {
        thrown = error;
      }
      const field = issue?.path.length ? `artifact.${issue.path.join('.')}` : 'artifact';
      expect(thrown).toMatchObject({ code: 'user.invalid-artifact', field, message: `${field}: ${String(issue?.message)}` });
    }
  });
});
