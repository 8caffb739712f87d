import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWireServer, type WireServer } from '@baton/adapters/test';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../test-support.ts';

// Issue 18.3: a config-file workflow with local OpenAI-compatible models and their own prices trains, saves its
// heads, reloads them and runs; all against the wire server (no network).

const dir = mkdtempSync(join(tmpdir(), 'baton-cli-config-'));
let server: WireServer;

/** `a * b` problems; the weak local model gets the odd ones wrong, the strong one gets all right. */
const problems = Array.from({ length: 8 }, (_, i) => ({ a: i + 3, b: (i % 4) + 2 }));

beforeAll(async () => {
  server = await startWireServer({
    requireApiKey: 'local-secret-123',
    script: [
      {
        times: Infinity,
        reply: (request) => {
          const [a, b] = (request.lastUserMessage.match(/\d+/g) ?? []).map(Number);
          const right = (a ?? 0) * (b ?? 0);
          const wrong = request.model === 'tiny-local' && (a ?? 0) % 2 === 0;
          return {
            text: `${String(a)} * ${String(b)} = ${right}\n#### ${wrong ? right + 1 : right}`,
            usage: { inputTokens: 40, outputTokens: 12 },
          };
        },
      },
    ],
  });
  writeFileSync(
    join(dir, 'problems.jsonl'),
    problems.map(({ a, b }) => JSON.stringify({ question: `What is ${a} * ${b}?`, answer: `#### ${a * b}` })).join('\n'),
  );
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** A solver on the wire server, with its key in LOCAL_LLM_KEY and its own prices (the table knows neither model). */
const localSolver = (id: string, model: string, input: string, output: string): string => `  ${id}:
    role: solver
    provider: openai-compatible
    model: ${model}
    baseURL: ${server.openaiBaseURL}
    apiKeyEnv: LOCAL_LLM_KEY
    prices: { inputPerToken: ${input}, outputPerToken: ${output} }
`;

function configYaml(overrides: { weakExtra?: string; successors?: string } = {}): string {
  return `# a cascade of two local models
version: 1
workflow: math
name: local-cascade
agents:
${localSolver('weak', 'tiny-local', '0.0000001', '0.0000002')}${overrides.weakExtra ?? ''}  checker:
    role: checker
${localSolver('strong', 'big-local', '0.00001', '0.00003')}successors:
${overrides.successors ?? '  weak: [checker, strong]\n  checker: [strong]'}
budget: { maxSteps: 4, maxHandoffs: 2 }
deadlines: { callMs: 5000, episodeMs: 20000 }
costWeight: 1
problems: problems.jsonl
heads: { save: heads.json }
`;
}

function writeConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const run = runCli;

describe('baton train --config / run --config', () => {
  it('trains a local-model cascade with its own prices, saves the heads, reloads them and runs', async () => {
    vi.stubEnv('LOCAL_LLM_KEY', 'local-secret-123');
    const config = writeConfig('cascade.yaml', configYaml());
    const trained = await run(['train', '--config', config, '--epochs', '3']);
    expect(trained.err).toBe('');
    expect(trained.code).toBe(0);
    expect(trained.out).toMatch(/training local-cascade .* on 8 problems x 3 epochs/);
    expect(trained.out).toMatch(/weak: solver, openai-compatible tiny-local at http:\/\/127\.0\.0\.1:\d+\/v1 \(key from LOCAL_LLM_KEY\)/);
    expect(trained.out).toMatch(/^24 episodes .* \$\d/m);
    const saved = JSON.parse(readFileSync(join(dir, 'heads.json'), 'utf8')) as {
      workflow: string;
      heads: Record<string, unknown>;
      models: unknown;
    };
    expect(saved.workflow).toBe('local-cascade');
    expect(Object.keys(saved.heads).sort()).toEqual(['checker', 'strong', 'weak']);
    expect(saved.models).toEqual({ weak: 'openai/tiny-local', strong: 'openai/big-local' });

    const evaluated = await run(['run', '--config', config, '--heads', join(dir, 'heads.json')]);
    expect(evaluated.code).toBe(0);
    expect(evaluated.out).toMatch(/^8 episodes/m);
    expect(evaluated.out).toMatch(/solved \d+\.\d%/);
    const one = await run(['run', '--config', config, '--heads', join(dir, 'heads.json'), '--problem', 'What is 7 * 6?']);
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/^weak: (submit|handoff:\w+) {2}\(Q /m);
    expect(one.out).toMatch(/answer: 42 by (tiny|big)-local/);
    // The priced dollars are the config's own: every call of the run was priced, none was free.
    expect(evaluated.out).not.toMatch(/\$0\.000000 in all/);
  });

  it('ends an episode at deadlines.episodeMs while its model call still waits (issue 17.5)', async () => {
    vi.stubEnv('LOCAL_LLM_KEY', 'local-secret-123');
    const hanging = await startWireServer({ script: [{ fault: { type: 'hang' }, reply: '', times: Infinity }] });
    try {
      const text = configYaml()
        .replaceAll(server.openaiBaseURL, hanging.openaiBaseURL)
        .replace('deadlines: { callMs: 5000, episodeMs: 20000 }', 'deadlines: { callMs: 20000, episodeMs: 600 }');
      const started = performance.now();
      const { code, err } = await run(['train', '--config', writeConfig('hanging.yaml', text), '--epochs', '1']);
      const seconds = (performance.now() - started) / 1000;
      expect(err).toMatch(/episode 1 passed its deadline of 600 ms \(deadlines\.episodeMs in the config\)/);
      expect(code).not.toBe(0);
      expect(seconds).toBeLessThan(5);
      expect(hanging.requests).toHaveLength(1);
    } finally {
      await hanging.close();
    }
  });

  it('refuses heads trained on other successors, naming the agent', async () => {
    vi.stubEnv('LOCAL_LLM_KEY', 'local-secret-123');
    const changed = writeConfig('changed.yaml', configYaml({ successors: '  weak: [strong]' }));
    const { code, err } = await run(['run', '--config', changed, '--heads', join(dir, 'heads.json')]);
    expect(code).toBe(2);
    expect(err).toMatch(/the head of agent "weak": heads\.weak: was trained with actions \[submit, handoff:checker, handoff:strong\]/);
  });

  it('reports a typo with its file, line, field and the key it meant', async () => {
    const { code, err } = await run(['train', '--config', writeConfig('typo.yaml', configYaml({ weakExtra: '    costWieght: 2\n' }))]);
    expect(code).toBe(2);
    expect(err).toMatch(/typo\.yaml:13:5: agents\.weak\.costWieght: unknown key \(did you mean "costWeight"\?\)/);
  });

  it('names the field of a base URL that is not one', async () => {
    const text = configYaml().replace(`baseURL: ${server.openaiBaseURL}`, 'baseURL: not a url');
    const { code, err } = await run(['run', '--config', writeConfig('badurl.yaml', text), '--heads', 'x.json']);
    expect(code).toBe(2);
    expect(err).toMatch(/badurl\.yaml:10:14: agents\.weak\.baseURL: must be an absolute http:\/\/ or https:\/\/ URL/);
  });

  it('says which field takes the price of a model the table does not know', async () => {
    vi.stubEnv('LOCAL_LLM_KEY', 'local-secret-123');
    const text = configYaml().replace('    prices: { inputPerToken: 0.0000001, outputPerToken: 0.0000002 }\n', '');
    const { code, err } = await run(['train', '--config', writeConfig('noprice.yaml', text)]);
    expect(code).toBe(2);
    expect(err).toMatch(
      /agents\.weak\.prices: no price known for model "tiny-local"; add "prices": \{ "inputPerToken": 0, "outputPerToken": 0 \}/,
    );
  });

  it('names the variable a binding reads its key from when it is unset, and never sends OPENAI_API_KEY to a local server', async () => {
    vi.stubEnv('LOCAL_LLM_KEY', '');
    vi.stubEnv('OPENAI_API_KEY', 'local-secret-123');
    const unset = await run(['train', '--config', writeConfig('nokey.yaml', configYaml())]);
    expect(unset.code).toBe(2);
    expect(unset.err).toMatch(/agents\.weak\.apiKeyEnv: the environment variable LOCAL_LLM_KEY is not set/);
    // Without apiKeyEnv the local server gets no key, even though OPENAI_API_KEY holds the one it wants.
    const keyless = writeConfig('keyless.yaml', configYaml().replaceAll('    apiKeyEnv: LOCAL_LLM_KEY\n', ''));
    const { code, err } = await run(['train', '--config', keyless, '--epochs', '1', '--out', join(dir, 'keyless-heads.json')]);
    expect(code).toBe(1);
    expect(err).toMatch(/provider\.unauthorized/);
  });

  it('loads JSON configs too, and prints the JSON Schema', async () => {
    const json = writeConfig(
      'bad.json',
      JSON.stringify({ version: 1, workflow: 'math', agents: { a: { role: 'checker' } }, costWieght: 1 }),
    );
    expect((await run(['config', 'check', json])).err).toMatch(/bad\.json:1:\d+: costWieght: unknown key \(did you mean "costWeight"\?\)/);
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => writes.push(String(chunk)) > 0);
    expect((await run(['config', 'schema'])).code).toBe(0);
    expect(JSON.parse(writes.join(''))).toMatchObject({ title: 'Baton workflow config' });
  });
});

describe('baton run math --agents', () => {
  const agents = (weak: Record<string, unknown>) =>
    writeConfig('agents.json', JSON.stringify({ weak, strong: { provider: 'openai', model: 'gpt-6.1-sol' }, heads: 'h.json' }));

  it('takes the bindings of config files: a typo is an unknown key, and the price hint names a real field', async () => {
    const local = { provider: 'openai-compatible', model: 'tiny-local', baseURL: 'http://127.0.0.1:9/v1' };
    const typo = await run([
      'run',
      'math',
      '--problem',
      'What is 2 * 3?',
      '--agents',
      agents({ ...local, prices: { inputPerToken: 0, outputPerToken: 0 }, costWieght: 1 }),
    ]);
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/agents\.json: weak: unknown key "costWieght"/);
    vi.stubEnv('OPENAI_API_KEY', 'sk-not-used-0123456789');
    const noPrice = await run(['run', 'math', '--problem', 'What is 2 * 3?', '--agents', agents(local)]);
    expect(noPrice.code).toBe(2);
    expect(noPrice.err).toMatch(
      /weak\.prices: no price known for model "tiny-local"; add "prices": \{ "inputPerToken": 0, "outputPerToken": 0 \} to this binding/,
    );
  });
});

describe('baton run file', () => {
  it('resolves the module and head files from the folder pnpm was started in, and saves and reloads heads', async () => {
    const examples = fileURLToPath(new URL('../../../adapters/src/test/example-workflows.ts', import.meta.url));
    writeFileSync(join(dir, 'wf.ts'), `import { relayDefinition } from ${JSON.stringify(examples)};\nexport default relayDefinition();\n`);
    vi.stubEnv('npm_lifecycle_event', 'baton');
    vi.stubEnv('INIT_CWD', dir);
    const first = await run(['run', 'file', './wf.ts', '--episodes', '3', '--out', './relay-heads.json']);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(existsSync(join(dir, 'relay-heads.json'))).toBe(true);
    const again = await run(['run', 'file', './wf.ts', '--episodes', '2', '--no-learn', '--heads', './relay-heads.json']);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^2 episodes of relay/m);
  });
});
