import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { UserError, type ModelAdapter } from '@baton/core';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import type { WorkflowDefinition } from '../bullmq/protocol.ts';
import type { ConfigContext } from './common.ts';
import { mathConfigSchema, mathDefinition } from './math-kind.ts';
import type { Problem } from './problems.ts';

/**
 * Every workflow kind a config file may name in `workflow`. A kind is a strict schema (with `workflow:
 * z.literal(kind)`, `...commonConfigFields` and its own `agents`) plus a builder; add one to this union and to
 * {@link configuredDefinition}.
 */
export const workflowConfigSchema = z.discriminatedUnion('workflow', [mathConfigSchema]);

export type WorkflowConfig = z.infer<typeof workflowConfigSchema>;

/** A config's workflow, ready to run: its definition plus the model each agent calls (for the run's header). */
export type ConfiguredDefinition = WorkflowDefinition & { readonly models: Readonly<Record<string, ModelAdapter>> };

/** What a config needs to become a definition: where keys and relative paths come from, and the problems if any. */
export interface DefinitionContext extends ConfigContext {
  readonly problems?: readonly Problem[];
}

export function configuredDefinition(config: WorkflowConfig, context: DefinitionContext): ConfiguredDefinition {
  // One kind so far (config.workflow is 'math'); a second makes this a switch on config.workflow.
  return mathDefinition(config, context) as unknown as ConfiguredDefinition;
}

/** A config file read and checked, with the folder its relative paths start from. */
export interface LoadedConfig {
  readonly config: WorkflowConfig;
  readonly file: string;
  readonly baseDir: string;
}

/** Reads `path` (JSON, or YAML for `.yaml`/`.yml`) and checks it; every problem is reported with its line. */
export function loadWorkflowConfig(path: string): LoadedConfig {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${(error as Error).message}`, { field: '--config', cause: error });
  }
  return { config: parseWorkflowConfig(text, path), file, baseDir: dirname(file) };
}

/** Parses and checks config text; `name` (the file) prefixes every message. JSON unless the name ends in .yaml/.yml. */
export function parseWorkflowConfig(text: string, name: string): WorkflowConfig {
  return parseConfigText(text, name, workflowConfigSchema);
}

/**
 * Parses `text` (JSON, or YAML when `name` ends in .yaml/.yml) and checks it against `schema`, every problem reported
 * as `file:line:col: path: what is wrong`: the reading every Baton config file shares (workflow configs, bindings).
 */
export function parseConfigText<T>(text: string, name: string, schema: z.ZodType<T>): T {
  const yamlFile = ['.yaml', '.yml'].includes(extname(name).toLowerCase());
  const lines = new LineCounter();
  // YAML 1.2 reads JSON too: one parser gives both formats line numbers, and refuses duplicate keys in both.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  let raw: unknown;
  if (yamlFile) {
    const error = doc.errors[0];
    if (error) throw configError(name, [`${where(name, lines, error.pos[0])}: not valid YAML: ${error.message.split('\n')[0] ?? ''}`]);
    raw = doc.toJS({ maxAliasCount: 100 });
  } else {
    try {
      raw = JSON.parse(text);
    } catch (error) {
      const at = /position (\d+)/.exec((error as Error).message)?.[1];
      throw configError(name, [`${at === undefined ? name : where(name, lines, Number(at))}: not valid JSON: ${(error as Error).message}`]);
    }
    const duplicate = doc.errors.find((e) => e.code === 'DUPLICATE_KEY');
    if (duplicate) throw configError(name, [`${where(name, lines, duplicate.pos[0])}: a key appears twice in one object`]);
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const messages = parsed.error.issues.slice(0, 12).flatMap((issue) => describeIssue(issue, raw, doc, lines, name));
  throw configError(name, messages);
}

/** Every message already names its field and line, so the error carries no `field` prefix of its own. */
function configError(name: string, messages: readonly string[]): UserError {
  const text = messages.length === 1 ? (messages[0] ?? '') : `${name}: ${messages.length} problems:\n  ${messages.join('\n  ')}`;
  return new UserError(text, { code: 'user.invalid-config' });
}

function where(name: string, lines: LineCounter, offset: number): string {
  const { line, col } = lines.linePos(offset);
  return `${name}:${line}:${col}`;
}

/** One zod issue as `file:line:col: path: what is wrong`; an unknown key becomes one line per key with a suggestion. */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown, doc: Document, lines: LineCounter, name: string): string[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const at = (keys: readonly (string | number)[], key?: string): string => {
    const offset = offsetOf(doc, keys, key);
    const shown = [...keys, ...(key === undefined ? [] : [key])].join('.');
    return `${offset === undefined ? name : where(name, lines, offset)}: ${shown || '(top level)'}`;
  };
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => {
      const near = nearestKey(key);
      return `${at(path, key)}: unknown key${near ? ` (did you mean "${near}"?)` : ''}`;
    });
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator === 'workflow') {
    const kinds = workflowConfigSchema.options.map((o) => o.shape.workflow.value).join(', ');
    return [`${at(path)}: must name a workflow kind: ${kinds}`];
  }
  if (issue.code === 'invalid_type' && valueAt(raw, path) === undefined) return [`${at(path)}: is required`];
  return [`${at(path)}: ${issue.message}`];
}

function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  let value = raw;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/** Where `path` (and, inside it, the key `key`) starts in the source, when the document has it. */
function offsetOf(doc: Document, path: readonly (string | number)[], key?: string): number | undefined {
  const node = path.length ? doc.getIn(path, true) : doc.contents;
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
    const keyNode = pair && isScalar(pair.key) ? pair.key : undefined;
    if (keyNode?.range) return keyNode.range[0];
  }
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  if (range) return range[0];
  return path.length ? offsetOf(doc, path.slice(0, -1)) : undefined;
}

let knownKeys: readonly string[] | undefined;

/** The closest key the format knows (edit distance at most 2, or a case change), to suggest for a typo. */
function nearestKey(key: string): string | undefined {
  knownKeys ??= [...collectKeys(workflowConfigJsonSchema(), new Set())];
  let best: { key: string; distance: number } | undefined;
  for (const candidate of knownKeys) {
    const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

function collectKeys(schema: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(schema)) for (const item of schema) collectKeys(item, into);
  else if (schema !== null && typeof schema === 'object') {
    const entries: [string, unknown][] = Object.entries(schema);
    for (const [key, value] of entries) {
      if (key === 'properties' && value !== null && typeof value === 'object') for (const name of Object.keys(value)) into.add(name);
      collectKeys(value, into);
    }
  }
  return into;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The config format as JSON Schema (draft 2020-12), generated from the zod schema: what docs/ publishes. */
export function workflowConfigJsonSchema(): Record<string, unknown> {
  return {
    title: 'Baton workflow config',
    ...z.toJSONSchema(workflowConfigSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
  };
}
