import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT_USAGE } from './program.ts';
import { runCli } from './test-support.ts';

// A user's mistakes end in one line naming the flag (exit 2) before any work starts: never a stack trace, never a
// result the user did not ask for, never bytes from their file echoed raw to the terminal.

const dir = mkdtempSync(join(tmpdir(), 'baton-cli-usage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const run = runCli;

function csv(name: string, rows: string[]): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    ['prompt,weak,weak|model_response,weak|total_cost,strong,strong|model_response,strong|total_cost', ...rows].join('\n'),
  );
  return file;
}

/** True when text holds a control character other than tab and newline, or U+FFFD left by invalid UTF-8. */
function hasControl(text: string): boolean {
  for (const c of text) {
    const code = c.codePointAt(0) ?? 0;
    if ((code < 0x20 && c !== '\n' && c !== '\t') || (code >= 0x7f && code < 0xa0) || code === 0xfffd) return true;
  }
  return false;
}

const BAD_ROUTE_REPORT = join(dir, 'route.json');
writeFileSync(BAD_ROUTE_REPORT, JSON.stringify({ split: 'test', task: 7 }));

const SMALL_DEMO = ['demo', '--seeds', '1', '--episodes', '20', '--neural-episodes', '20', '--methods', 'icq-tabular', '--no-progress'];

describe('usage errors name the flag, exit 2, and start no work', () => {
  it.each([
    [['serve', '--port', '99999'], /--port must be a port from 0 to 65535, got "99999"/],
    [['serve', '--port', '0', '--route-report', BAD_ROUTE_REPORT], /route\.json is not a route bench report .*: task: /],
    [[...SMALL_DEMO, '--threads', '3'], /--threads must be one of 1, 2, got "3"/],
    [[...SMALL_DEMO, '--episodes', '0x10'], /--episodes must be a whole number \(1 or more\), got "0x10"/],
    [[...SMALL_DEMO, '--json', join(dir, 'missing', 'out.json')], /--json .*the folder .*missing does not exist/],
    [[...SMALL_DEMO, '--audit', join(dir, 'missing', 'audit.jsonl')], /--audit .*the folder .*missing does not exist/],
    [
      ['train', 'math', '--data', join(dir, 'x.csv'), '--strong-call-penalty', '-1e308'],
      /--strong-call-penalty must be a number from 0 to 1000/,
    ],
    [['train', 'math', '--data', join(dir, 'x.csv'), '--out', join(dir, 'missing', 'heads.json')], /--out .*does not exist/],
  ])('%j', async (args, message) => {
    const { code, out, err } = await run(args);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/^\s+at /m);
    expect(out).toBe('');
  });

  it('serve on a port that is taken says so before building anything', async () => {
    const taken: Server = await new Promise((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => resolve(server));
    });
    try {
      const address = taken.address();
      const { code, err } = await run(['serve', '--port', String(typeof address === 'object' && address ? address.port : 0)]);
      expect(code).toBe(EXIT_USAGE);
      expect(err).toMatch(/--port: port \d+ on 127\.0\.0\.1 is in use/);
      expect(err).not.toMatch(/^\s+at /m);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe('train on data too small to measure', () => {
  it('prints n/a with the reason instead of APGR=NaN when the models are equally accurate on the held-out prompts', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => `"q${i}",1,"a",0.001,1,"b",0.01`);
    const { code, out } = await run(['train', 'math', '--data', csv('equal.csv', rows), '--epochs', '1']);
    expect(code).toBe(0);
    expect(out).not.toMatch(/NaN/);
    expect(out).toMatch(/APGR=n\/a: both models score 100\.0% on the \d+ held-out prompts, so there is no gap to recover/);
  });

  it('refuses a split that leaves nothing to train on or to evaluate', async () => {
    const { code, err } = await run(['train', 'math', '--data', csv('one.csv', ['"q",1,"a",0.001,0,"b",0.01']), '--epochs', '1']);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(/--holdout: .*has 1 prompts; --holdout 0.2 leaves 0 to train on and 1 to evaluate/);
  });
});

describe('binary or hostile input', () => {
  it('a binary CSV is named as not UTF-8 text, and none of its bytes reach the terminal', async () => {
    const file = join(dir, 'binary.csv');
    writeFileSync(
      file,
      Buffer.concat([Buffer.from('prompt,weak,weak|model_response\n"x\u001b[2J",0.5'), Buffer.from([0xff, 0xfe, 0x00, 0x07])]),
    );
    const { code, err } = await run(['train', 'math', '--data', file]);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(/binary\.csv:2: not UTF-8 text/);
    expect(hasControl(err)).toBe(false);
  });

  it('control characters in an argument or a file name are printed as escapes', async () => {
    const { code, err } = await run(['train', 'math', '--data', join(dir, 'no\u001b[31mred.csv')]);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toContain('no\\x1b[31mred.csv does not exist');
    const flag = await run([...SMALL_DEMO, '--seeds', '\u001b]0;owned\u0007']);
    expect(flag.err).toContain('\\x1b]0;owned\\x07');
    expect(hasControl(flag.err)).toBe(false);
  });
});

describe('a reader that leaves early', () => {
  it('`baton ... | head` ends quietly: no EPIPE stack trace, exit 0', async () => {
    const bin = join(dirname(fileURLToPath(import.meta.url)), 'bin.ts');
    const child = spawn(process.execPath, ['--conditions=@baton/source', '--import', 'tsx', bin, '--help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Close our end before anything is read: every write of the help text hits a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|^\s+at /m);
    expect(code).toBe(0);
  }, 60_000);
});
