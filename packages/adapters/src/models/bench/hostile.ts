// Each model adapter against each hostile answer of the wire server, with the adapters' default deadlines and
// retries: how many requests it makes, how long until it fails (or answers), how much memory and CPU that costs, and
// what it reports. Run: node --conditions=@baton/source --import tsx packages/adapters/src/models/bench/hostile.ts [--json out.json] [--only a,b]
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { ModelAdapter } from '@baton/core';
import { ChatOpenAI } from '@langchain/openai';
import { createAnthropicModel, createLangChainModel, createOpenAIModel } from '@baton/adapters';
import { startWireServer, type WireFault, type WireServer } from '@baton/adapters/test';

/** One hostile case: a fault the server serves on every request, or `refused` (nothing listens on the port). */
export interface HostileCase {
  readonly name: string;
  /** The issue 17 item the case belongs to. */
  readonly item: 4 | 5 | 6;
  readonly fault: WireFault | 'refused';
  readonly stream: boolean;
}

export interface HostileRow {
  readonly adapter: string;
  readonly case: string;
  readonly item: number;
  readonly stream: boolean;
  /** `ok` with the answer's length, or the error's code. */
  readonly outcome: string;
  readonly requests: number | null;
  readonly seconds: number;
  /** Peak resident set size above the level before the case, in MB. */
  readonly rssMb: number;
  /** CPU time of this process during the case, in seconds. */
  readonly cpuSeconds: number;
  readonly message: string;
}

const MB = 1024 * 1024;

export const HOSTILE_CASES: readonly HostileCase[] = [
  { name: 'refused', item: 4, fault: 'refused', stream: false },
  { name: 'reset', item: 4, fault: { type: 'reset' }, stream: false },
  { name: 'truncated', item: 4, fault: { type: 'truncate' }, stream: false },
  { name: 'truncated', item: 4, fault: { type: 'truncate', afterEvents: 1 }, stream: true },
  { name: 'hang', item: 5, fault: { type: 'hang' }, stream: false },
  { name: 'slow', item: 5, fault: { type: 'slow', intervalMs: 20_000 }, stream: true },
  { name: 'non-sse 20MB', item: 5, fault: { type: 'non-sse', bytes: 20 * MB }, stream: true },
  { name: 'huge 20MB', item: 5, fault: { type: 'huge', bytes: 20 * MB }, stream: false },
  { name: 'empty', item: 6, fault: { type: 'empty' }, stream: false },
  { name: 'empty', item: 6, fault: { type: 'empty' }, stream: true },
  { name: 'garbage', item: 6, fault: { type: 'garbage' }, stream: false },
  { name: 'garbage', item: 6, fault: { type: 'garbage' }, stream: true },
  { name: 'badjson', item: 6, fault: { type: 'invalid-json' }, stream: false },
  { name: 'badjson', item: 6, fault: { type: 'invalid-json' }, stream: true },
];

const KEY = 'sk-hostile-0123456789';
const ADAPTERS: Readonly<Record<string, (server: { openai: string; anthropic: string }) => ModelAdapter>> = {
  openai: (s) => createOpenAIModel({ model: 'gpt-4o-mini', apiKey: KEY, baseURL: s.openai }),
  anthropic: (s) => createAnthropicModel({ model: 'claude-haiku-4-5', apiKey: KEY, baseURL: s.anthropic }),
  langchain: (s) =>
    createLangChainModel(new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: KEY, configuration: { baseURL: s.openai }, maxRetries: 0 })),
};

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function runCase(adapter: string, hostile: HostileCase): Promise<HostileRow> {
  let server: WireServer | undefined;
  let urls: { openai: string; anthropic: string };
  if (hostile.fault === 'refused') {
    const url = `http://127.0.0.1:${await closedPort()}`;
    urls = { openai: `${url}/v1`, anthropic: url };
  } else {
    server = await startWireServer({ script: [{ fault: hostile.fault, reply: 'The answer is 42.', times: Infinity }] });
    urls = { openai: server.openaiBaseURL, anthropic: server.anthropicBaseURL };
  }
  const model = (ADAPTERS[adapter] as (typeof ADAPTERS)[string])(urls);
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let outcome: string;
  let message = '';
  try {
    const result = await model.generate([{ role: 'user', content: 'What is 6 * 7?' }], hostile.stream ? { onDelta: () => undefined } : {});
    outcome = `ok (${result.text.length} chars)`;
  } catch (error) {
    outcome = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : String(error);
    message = error instanceof Error ? error.message : String(error);
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const requests = server ? server.requests.length : null;
  await server?.close();
  return {
    adapter,
    case: hostile.name,
    item: hostile.item,
    stream: hostile.stream,
    outcome,
    requests,
    seconds,
    rssMb: (peak - baseline) / MB,
    cpuSeconds: (used.user + used.system) / 1e6,
    message: message.slice(0, 160),
  };
}

/** Runs every case (or those named in `only`) on every adapter, one at a time. */
export async function runHostileBench(only?: readonly string[], log: (row: HostileRow) => void = () => undefined): Promise<HostileRow[]> {
  const rows: HostileRow[] = [];
  for (const hostile of HOSTILE_CASES) {
    if (only && !only.includes(hostile.name)) continue;
    for (const adapter of Object.keys(ADAPTERS)) {
      const row = await runCase(adapter, hostile);
      rows.push(row);
      log(row);
    }
  }
  return rows;
}

function formatRow(r: HostileRow): string {
  return [
    String(r.item).padEnd(4),
    `${r.case}${r.stream ? ' (stream)' : ''}`.padEnd(24),
    r.adapter.padEnd(10),
    r.outcome.padEnd(28),
    String(r.requests ?? '-').padStart(4),
    r.seconds.toFixed(2).padStart(8),
    r.rssMb.toFixed(0).padStart(6),
    r.cpuSeconds.toFixed(2).padStart(7),
  ].join(' ');
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const only = arg('--only')?.split(',');
  console.log(['item', 'case'.padEnd(24), 'adapter'.padEnd(10), 'outcome'.padEnd(28), 'reqs', 'seconds', 'RSS MB', 'CPU s'].join(' '));
  const rows = await runHostileBench(only, (row) => console.log(formatRow(row)));
  const json = arg('--json');
  if (json) await writeFile(json, `${JSON.stringify(rows, null, 2)}\n`);
}
