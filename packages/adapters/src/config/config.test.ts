import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '@baton/core';
import {
  configuredDefinition,
  keySourceOf,
  loadHeadsFor,
  modelBindingSchema,
  modelFromBinding,
  parseWorkflowConfig,
  saveHeadsFile,
  workflowConfigJsonSchema,
  type ModelBinding,
} from '@baton/adapters';
import { afterAll, describe, expect, it } from 'vitest';

const docs = fileURLToPath(new URL('../../../../docs/config/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'baton-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const issues = (binding: unknown): string[] =>
  modelBindingSchema.safeParse(binding).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('the published format', () => {
  it('docs/config/workflow-config.schema.json is the schema generated from the zod schema', () => {
    const committed: unknown = JSON.parse(readFileSync(join(docs, 'workflow-config.schema.json'), 'utf8'));
    // If this fails: pnpm baton config schema --out docs/config/workflow-config.schema.json
    expect(committed).toEqual(workflowConfigJsonSchema());
  });

  it('every example in docs/config/examples is a valid config', () => {
    const examples = readdirSync(join(docs, 'examples')).filter((f) => /\.(json|ya?ml)$/.test(f));
    expect(examples.length).toBeGreaterThan(0);
    for (const file of examples) expect(() => parseWorkflowConfig(readFileSync(join(docs, 'examples', file), 'utf8'), file)).not.toThrow();
  });

  it('reports every problem of a file at once, each with its line', () => {
    const text =
      'version: 1\nworkflow: math\nagents:\n  a:\n    role: solver\n    provider: openai\n  b:\n    role: checker\n    model: m\nentry: c\n';
    const error = (() => {
      try {
        parseWorkflowConfig(text, 'f.yaml');
      } catch (e) {
        return e as UserError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UserError);
    expect(error?.message.split('\n')).toEqual([
      'f.yaml: 3 problems:',
      '  f.yaml:5:5: agents.a.model: a solver needs a model binding',
      '  f.yaml:9:12: agents.b.model: a checker calls no model',
      '  f.yaml:10:8: entry: no agent "c" (agents: a, b)',
    ]);
  });

  it('refuses a key given twice in JSON, which JSON.parse would take silently', () => {
    expect(() => parseWorkflowConfig('{"version": 1, "workflow": "math", "workflow": "math", "agents": {}}', 'x.json')).toThrow(
      /x\.json:1:\d+: a key appears twice/,
    );
  });
});

describe('model bindings', () => {
  it('holds each provider to its own fields', () => {
    expect(issues({ provider: 'openai-compatible', model: 'm' })).toEqual([
      expect.stringMatching(/^baseURL: an openai-compatible binding needs/),
    ]);
    expect(issues({ provider: 'replay', model: 'm', baseURL: 'http://x' })).toEqual([
      expect.stringMatching(/^data: a replay binding needs "data"/),
      expect.stringMatching(/^baseURL: does not apply to replay/),
    ]);
    expect(issues({ provider: 'openai', model: 'm', data: 'x.csv' })).toEqual(['data: applies to replay bindings only']);
    expect(issues({ provider: 'openai', model: 'm', costWieght: 1 })).toEqual([expect.stringMatching(/Unrecognized key: "costWieght"/)]);
  });

  it("lets a vendor key variable name only that vendor's own host", () => {
    expect(issues({ provider: 'openai-compatible', model: 'm', baseURL: 'http://localhost:8000/v1', apiKeyEnv: 'OPENAI_API_KEY' })).toEqual(
      [expect.stringMatching(/^apiKeyEnv: OPENAI_API_KEY is openai's key and goes only to https:\/\/api\.openai\.com\/v1/)],
    );
    expect(issues({ provider: 'openai', model: 'm', apiKeyEnv: 'ANTHROPIC_API_KEY' })).toHaveLength(1);
    expect(issues({ provider: 'anthropic', model: 'm', apiKeyEnv: 'ANTHROPIC_API_KEY' })).toEqual([]);
  });

  it("says where each binding's key comes from without reading it", () => {
    const source = (b: Partial<ModelBinding>) => keySourceOf({ provider: 'openai', ...b });
    expect(source({})).toBe('OPENAI_API_KEY');
    expect(source({ provider: 'anthropic' })).toBe('ANTHROPIC_API_KEY');
    expect(source({ baseURL: 'https://proxy.example/v1' })).toBeUndefined();
    expect(source({ provider: 'openai-compatible', baseURL: 'http://localhost:11434/v1', apiKeyEnv: 'LOCAL_KEY' })).toBe('LOCAL_KEY');
    expect(source({ provider: 'replay' })).toBeUndefined();
  });

  it('builds adapters with the key from the named variable, and names the field when it is missing', () => {
    const local = {
      provider: 'openai-compatible',
      model: 'llama3',
      baseURL: 'http://127.0.0.1:9/v1',
      prices: { inputPerToken: 0, outputPerToken: 0 },
    } as const;
    expect(modelFromBinding(local, {}, { field: 'agents.weak' })).toMatchObject({ provider: 'openai', model: 'llama3' });
    expect(() => modelFromBinding({ ...local, apiKeyEnv: 'LOCAL_KEY' }, {}, { field: 'agents.weak' })).toThrow(
      /^agents\.weak\.apiKeyEnv: the environment variable LOCAL_KEY is not set$/,
    );
    expect(() => modelFromBinding({ provider: 'anthropic', model: 'claude-haiku-4-5' }, {}, { field: 'agents.critic' })).toThrow(
      /^agents\.critic\.apiKeyEnv: no API key for anthropic: set ANTHROPIC_API_KEY/,
    );
    expect(modelFromBinding({ provider: 'anthropic', model: 'claude-haiku-4-5' }, { ANTHROPIC_API_KEY: 'k' }).provider).toBe('anthropic');
  });
});

describe('heads files', () => {
  const config = parseWorkflowConfig(
    JSON.stringify({ version: 1, workflow: 'math', agents: { a: { role: 'checker' }, b: { role: 'checker' } }, successors: { a: ['b'] } }),
    'c.json',
  );
  const definition = configuredDefinition(config, { env: {}, baseDir: dir });

  it('round-trips the heads of a config workflow', () => {
    const heads = Object.fromEntries(definition.workflow.agents.map((x) => [x.id, definition.createHead(x.id)]));
    saveHeadsFile(join(dir, 'h.json'), definition.workflow.name, heads);
    const loaded = loadHeadsFor(definition, join(dir, 'h.json'));
    expect(Object.keys(loaded)).toEqual(['a', 'b']);
    expect(loaded['a']?.toJSON()).toEqual(heads['a']?.toJSON());
  });

  it('refuses heads of another workflow or other agents', () => {
    const heads = { a: definition.createHead('a') };
    saveHeadsFile(join(dir, 'other.json'), 'other', heads);
    expect(() => loadHeadsFor(definition, join(dir, 'other.json'))).toThrow(/holds heads of workflow "other", not "math"/);
    saveHeadsFile(join(dir, 'partial.json'), 'math', heads);
    expect(() => loadHeadsFor(definition, join(dir, 'partial.json'))).toThrow(/no head for b/);
  });
});
