import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, formatEta } from './progress.ts';

describe('formatEta', () => {
  it('rounds once, so 119.6 s is 2m00s and never 1m60s or 2m60s', () => {
    expect(formatEta(119.6)).toBe('2m00s');
    expect(formatEta(179.5)).toBe('3m00s');
    expect(formatEta(59.6)).toBe('1m00s');
    expect(formatEta(42.2)).toBe('42s');
    expect(formatEta(3 * 3600 + 59.7 * 60)).toBe('3h59m');
    for (let s = 0; s < 4000; s += 0.7) expect(formatEta(s)).not.toMatch(/60s|60m/);
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('--');
    expect(formatEta(Number.NaN)).toBe('--');
  });
});

describe('createProgress', () => {
  function fakeTerminal(): { stream: NodeJS.WriteStream; text: () => string } {
    const sink = new PassThrough();
    let text = '';
    sink.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    return { stream: Object.assign(sink, { isTTY: true, columns: 120 }) as unknown as NodeJS.WriteStream, text: () => text };
  }

  it('reaches 100 % with ETA 0s when the work is done, even if the last update fell short', () => {
    const terminal = fakeTerminal();
    const progress = createProgress('work', true, { stream: terminal.stream });
    for (let done = 0; done < 97; done++) progress.update(done, 100, 'step');
    progress.stop();
    // Frames are separated by carriage returns, newlines or cursor escapes (ESC [ ... letter).
    const escape = String.fromCharCode(27);
    const frames = terminal
      .text()
      .split(new RegExp(`\\r|\\n|${escape}\\[[0-9;]*[A-Za-z]`))
      .filter((f) => f.includes('work ['));
    expect(frames.at(-1)).toMatch(/work \[\u2588+\] 100% 100\/100 \| ETA 0s \| step/);
    expect(terminal.text()).not.toMatch(/\d+m60s/);
  });

  it('shows bytes in MB and is silent when disabled', () => {
    const terminal = fakeTerminal();
    const progress = createProgress('verify', true, { stream: terminal.stream, units: 'bytes' });
    progress.update(50e6, 200e6);
    progress.stop();
    expect(terminal.text()).toMatch(/verify \[\u2588+\] 100% 200 MB\/200 MB/);
    const off = fakeTerminal();
    const hidden = createProgress('x', false, { stream: off.stream });
    hidden.update(1, 2);
    hidden.stop();
    expect(off.text()).toBe('');
  });
});
