import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWireServer, type WireRequestInfo, type WireServer } from '@baton/adapters/test';
import { recordedRouteWorkflow, routeHeads, saveRouteHeads, type RecordedTask } from '@baton/agents/route';
import type { GatedHead, LinearIcqHeadState } from '@baton/learner';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT_USAGE } from '../program.ts';
import { runCli } from '../test-support.ts';

// `baton run route` against the local wire server through the real OpenAI and Anthropic SDKs: the first draft from an
// OpenAI-protocol model, the second from an Anthropic one, a third model of the heads left unbound (masked).

const dir = mkdtempSync(join(tmpdir(), 'baton-cli-run-route-'));
const KEY = 'wire-secret-4242';
const PROMPT = 'Which gas do plants take in?\nA) oxygen\nB) carbon dioxide\nC) helium\nD) neon\nAnswer:';
let server: WireServer;

/**
 * Heads that always take the path dispatcher -> cheap -> mid -> submit (one action's bias per sub-head above the
 * rest), saved in the route heads format as `baton train route --out` writes it.
 */
function policyHeadsFile(): string {
  const models = ['cheap', 'mid', 'big'];
  const task: RecordedTask = { name: 'tiny_arc', kind: 'choice', models, prompts: [], source: 'none' };
  const workflow = recordedRouteWorkflow(task, { lambda: 0.3, costScale: 0.001, maxDrafts: 3 });
  const heads = routeHeads(workflow, 'icq');
  const prefer: Record<string, [number, string]> = { dispatcher: [0, 'handoff:cheap'], cheap: [1, 'handoff:mid'], mid: [2, 'submit'] };
  // Make the sub-heads of the positions the path visits, then set their biases (the last weight) in the saved JSON.
  for (const [agent, [position]] of Object.entries(prefer))
    (heads[agent] as GatedHead).headFor({ projection: { position }, privateState: {} });
  const trained = { heads, costScale: 0.001, lambda: 0.3, maxDrafts: 3, learner: 'icq' as const, models, episodes: 0, seconds: 0 };
  const saved = saveRouteHeads(trained, { kind: 'choice', task: 'tiny_arc' });
  for (const [agent, [position, best]] of Object.entries(prefer)) {
    const sub = saved.heads[agent]?.heads[String(position)] as LinearIcqHeadState;
    for (const table of [sub.weights, sub.target])
      for (const [action, w] of Object.entries(table)) w[w.length - 1] = action === best ? 1 : 0;
  }
  const file = join(dir, 'heads.json');
  writeFileSync(file, JSON.stringify(saved));
  return file;
}

const binding = (provider: string, baseURL: string, model: string, extra = ''): string => `    provider: ${provider}
    model: ${model}
    baseURL: ${baseURL}
    apiKeyEnv: WIRE_KEY
    prices: { inputPerToken: 0.000001, outputPerToken: 0.000002 }${extra}
`;

function agentsYaml(cheapProvider = 'openai'): string {
  const file = join(dir, `agents-${cheapProvider}.yaml`);
  writeFileSync(
    file,
    `models:
  cheap:
${binding(cheapProvider, server.openaiBaseURL, 'tiny-gpt')}  mid:
${binding('anthropic', server.anthropicBaseURL, 'claude-mid')}  unrelated:
${binding('openai', server.openaiBaseURL, 'other')}`,
  );
  return file;
}

let heads: string;
beforeAll(async () => {
  server = await startWireServer({
    requireApiKey: KEY,
    script: [
      {
        match: (q: WireRequestInfo) => q.protocol === 'openai',
        times: Infinity,
        reply: { text: 'The answer is B.', usage: { inputTokens: 100, outputTokens: 10 } },
      },
      {
        match: (q: WireRequestInfo) => q.protocol === 'anthropic',
        times: Infinity,
        reply: { text: '(B) carbon dioxide: plants fix it.', usage: { inputTokens: 120, outputTokens: 20 } },
      },
    ],
  });
  heads = policyHeadsFile();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** `baton run route` with the policy heads, the wire-server agents file and the prompt, then `extra`. */
const runRoute = (extra: readonly string[]) =>
  runCli(['run', 'route', '--heads', heads, '--agents', agentsYaml(), '--prompt', PROMPT, ...extra]);

describe('baton run route (wire server, real OpenAI and Anthropic SDKs)', () => {
  it('drafts with the bound models in the trained order, submits, prices each call, grades --gold, and writes a verified audit log', async () => {
    vi.stubEnv('WIRE_KEY', KEY);
    const audit = join(dir, 'route.audit.jsonl');
    const before = server.requests.length;
    const { code, out, err } = await runRoute(['--gold', 'B', '--audit', audit]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const requests = server.requests.slice(before);
    // Each binding's key (WIRE_KEY) reached the server, which refuses any other.
    expect(requests.map((r) => [r.protocol, r.path, r.model, r.auth === 'none' ? 'no key' : 'key'])).toEqual([
      ['openai', '/v1/chat/completions', 'tiny-gpt', 'key'],
      ['anthropic', '/v1/messages', 'claude-mid', 'key'],
    ]);
    expect(requests[0]?.lastUserMessage).toBe(PROMPT);
    expect(out).toMatch(/^masked \(no binding in the agents file\): big$/m);
    expect(out).toMatch(/^ignored \(bound, but not a model of the heads\): unrelated$/m);
    expect(out).toMatch(/^path: dispatcher -> cheap -> mid -> submit$/m);
    // 100 x $0.000001 + 10 x $0.000002, then 120 x $0.000001 + 20 x $0.000002.
    expect(out).toMatch(/1\. cheap +answer B +\$0\.000120/);
    expect(out).toMatch(/2\. mid +answer B +\$0\.000160/);
    expect(out).toMatch(/^submitted: B \(mid's draft\)$/m);
    expect(out).toMatch(/^cost: \$0\.000280 for 2 draft\(s\)$/m);
    expect(out).toMatch(/^gold B: correct$/m);
    expect(out).toMatch(/^audit log: .*route\.audit\.jsonl \(\d+ records, verified\)$/m);
    const verify = await runCli(['audit', 'verify', audit]);
    expect(verify.code).toBe(0);
    for (const text of [out, err, verify.out, readFileSync(audit, 'utf8')]) expect(text).not.toContain(KEY);
  });

  it('--json gives the drafts with their text, and a wrong --gold is graded wrong', async () => {
    vi.stubEnv('WIRE_KEY', KEY);
    const { code, out } = await runRoute(['--gold', 'C', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as Record<string, unknown>;
    expect(report).toMatchObject({
      submitted: { model: 'mid', answer: 'B' },
      correct: false,
      masked: ['big'],
      drafts: [
        { model: 'cheap', answer: 'B', text: 'The answer is B.' },
        { model: 'mid', answer: 'B', text: '(B) carbon dioxide: plants fix it.' },
      ],
    });
    expect(report.costUsd).toBeCloseTo(0.00028, 9);
  });

  it.each([
    [['--heads', join(dir, 'missing.json'), '--prompt', PROMPT], /--heads: cannot read .*missing\.json/],
    [['--heads', 'HEADS', '--prompt', '   '], /--prompt: is empty/],
    [['--heads', 'HEADS'], /required option '--prompt <text>' not specified/],
    [['--heads', 'HEADS', '--prompt', PROMPT, '--gold', 'Z'], /--gold: "Z" is not a choice answer/],
  ])('%j names the flag and exits 2', async (args, message) => {
    vi.stubEnv('WIRE_KEY', KEY);
    const argv = args.map((a) => (a === 'HEADS' ? heads : a));
    const { code, err } = await runCli(['run', 'route', '--agents', agentsYaml(), ...argv]);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(message);
  });

  it('an agents file with an unknown provider, or binding none of the models, names the field; a missing key names its variable', async () => {
    vi.stubEnv('WIRE_KEY', KEY);
    const bad = await runCli(['run', 'route', '--heads', heads, '--agents', agentsYaml('mistral'), '--prompt', PROMPT]);
    expect(bad.code).toBe(EXIT_USAGE);
    expect(bad.err).toMatch(/agents-mistral\.yaml:\d+:\d+: models\.cheap\.provider/);
    const none = join(dir, 'none.json');
    writeFileSync(none, JSON.stringify({ models: { other: { provider: 'openai', model: 'x', baseURL: server.openaiBaseURL } } }));
    const unbound = await runCli(['run', 'route', '--heads', heads, '--agents', none, '--prompt', PROMPT]);
    expect(unbound.code).toBe(EXIT_USAGE);
    expect(unbound.err).toMatch(/--agents: .*binds none of the heads' models \(cheap, mid, big\)/);
    vi.stubEnv('WIRE_KEY', '');
    const keyless = await runRoute([]);
    expect(keyless.code).toBe(EXIT_USAGE);
    expect(keyless.err).toMatch(/models\.cheap\.apiKeyEnv: the environment variable WIRE_KEY is not set/);
  });
});
