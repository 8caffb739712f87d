import { z } from 'zod';
import { UserError } from './errors.ts';
import { artifactJson, sha256 } from './hash.ts';

/**
 * One immutable version of the shared artifact (a proof draft, a math solution, a code patch). Every version knows
 * its author and its parent's hash, so the chain of versions is itself evidence of who changed what.
 */
export interface Artifact<T> {
  readonly value: Readonly<T>;
  /** 0 for the first version, +1 per change. */
  readonly version: number;
  /** SHA-256 of the canonical JSON of `{ value, version, parentHash, author }`. */
  readonly hash: string;
  readonly parentHash: string | null;
  /** The agent id that produced this version (`"input"` for the first). */
  readonly author: string;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    // Only objects are frozen further down: a leaf costs no call.
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'object') deepFreeze(item);
      }
    } else {
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        const field: unknown = value[key];
        if (typeof field === 'object') deepFreeze(field);
      }
    }
  }
  return value;
}

function build<T>(value: T, version: number, parentHash: string | null, author: string): Artifact<T> {
  const hash = sha256(artifactJson(value, version, parentHash, author));
  return Object.freeze({ value: deepFreeze(value), version, hash, parentHash, author });
}

/**
 * Validates `value` against `schema` and returns version 0. Throws a UserError naming the first bad field.
 * @example
 * const draft = createArtifact(z.object({ text: z.string() }), { text: '' });
 */
export function createArtifact<T>(schema: z.ZodType<T>, value: unknown, author = 'input'): Artifact<T> {
  return build(parseArtifactValue(schema, value), 0, null, author);
}

/** The next version of `parent`, written by `author`; validated against the schema. */
export function reviseArtifact<T>(schema: z.ZodType<T>, parent: Artifact<T>, value: unknown, author: string): Artifact<T> {
  return build(parseArtifactValue(schema, value), parent.version + 1, parent.hash, author);
}

/** Recomputes an artifact's hash; false means the value or its lineage was altered after it was made. */
export function verifyArtifact(artifact: Artifact<unknown>): boolean {
  const { value, version, parentHash, author } = artifact;
  return sha256(artifactJson(value, version, parentHash, author)) === artifact.hash;
}

// Each schema's compiled clone (z.compile): every artifact version is validated, on the hot path. The clone parses
// to the same value and reports the same issues (a failing fast path falls back to the schema's own parser).
const compiledSchemas = new WeakMap<z.ZodType, z.ZodType>();

/** The compiled clone of `schema` that artifacts are validated with, made on first use and kept while the schema lives. */
export function compiledSchema<T>(schema: z.ZodType<T>): z.ZodType<T> {
  let compiled = compiledSchemas.get(schema) as z.ZodType<T> | undefined;
  if (!compiled) compiledSchemas.set(schema, (compiled = z.compile(schema)));
  return compiled;
}

function parseArtifactValue<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = compiledSchema(schema).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? `artifact.${issue.path.join('.')}` : 'artifact';
    throw new UserError(issue?.message ?? 'invalid artifact', { field: path, cause: parsed.error, code: 'user.invalid-artifact' });
  }
  return parsed.data;
}

/** Keeps artifact versions by hash. The in-process runtime uses memory; adapters provide Redis. */
export interface ArtifactStore {
  put(artifact: Artifact<unknown>): Promise<void> | void;
  get(hash: string): Promise<Artifact<unknown> | undefined> | Artifact<unknown> | undefined;
}

/** An ArtifactStore in a Map; enough for one process. */
export class MemoryArtifactStore implements ArtifactStore {
  private readonly versions = new Map<string, Artifact<unknown>>();

  put(artifact: Artifact<unknown>): void {
    this.versions.set(artifact.hash, artifact);
  }

  get(hash: string): Artifact<unknown> | undefined {
    return this.versions.get(hash);
  }

  get size(): number {
    return this.versions.size;
  }
}
