import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { finiteNumber, intChoice, outputFile, port, positiveInt } from './options.ts';
import { terminalSafe } from './terminal.ts';

describe('option parsers', () => {
  it('take plain decimals only: no hex, exponent or blank for counts', () => {
    const episodes = positiveInt('--episodes');
    expect(episodes('16')).toBe(16);
    for (const bad of ['0x10', '1e3', '0', '-3', '', ' ', '1.5', 'Infinity', '9007199254740993'])
      expect(() => episodes(bad), bad).toThrow(InvalidArgumentError);
    expect(() => episodes('0x10')).toThrow(/--episodes must be a whole number \(1 or more\), got "0x10"/);
  });

  it('keep numbers inside the range the flag can use', () => {
    const penalty = finiteNumber('--strong-call-penalty', { min: 0, max: 1000 });
    expect(penalty('0.25')).toBe(0.25);
    expect(penalty('1e2')).toBe(100);
    for (const bad of ['-1e308', '1e308', '-0.1', '0x10', 'NaN', ''])
      expect(() => penalty(bad), bad).toThrow(/--strong-call-penalty must be a number from 0 to 1000/);
    const share = finiteNumber('--holdout', { min: 0, max: 1, exclusive: true });
    expect(() => share('1')).toThrow(/between 0 and 1 \(exclusive\)/);
  });

  it('ports are 0-65535, numeric choices are enforced', () => {
    expect(port('--port')('0')).toBe(0);
    expect(() => port('--port')('99999')).toThrow(/--port must be a port from 0 to 65535, got "99999"/);
    expect(intChoice('--threads', [1, 2])('2')).toBe(2);
    expect(() => intChoice('--threads', [1, 2])('3')).toThrow(/--threads must be one of 1, 2, got "3"/);
  });

  it('output files: the folder must exist and be writable, and the path must not be a folder', () => {
    const json = outputFile('--json');
    expect(json('result.json')).toBe(join(process.cwd(), 'result.json'));
    expect(() => json('/no/such/folder/result.json')).toThrow(
      /--json \/no\/such\/folder\/result.json: the folder \/no\/such\/folder does not exist/,
    );
    expect(() => json('.')).toThrow(/is a folder, not a file/);
  });
});

describe('terminalSafe', () => {
  it('turns control bytes, invalid UTF-8 and bidi overrides into visible escapes and keeps text and newlines', () => {
    expect(terminalSafe('red \u001b[31mX\u0007\u0000 é ✓\nnext\tcol')).toBe('red \\x1b[31mX\\x07\\x00 é ✓\nnext\tcol');
    expect(terminalSafe('a\ufffdb\u202ec\u009b')).toBe('a\\ufffdb\\u202ec\\x9b');
    expect(terminalSafe('\ud800x')).toBe('\\ud800x');
    expect(terminalSafe('😀')).toBe('😀');
  });

  it('cuts very long messages and says how much it left out', () => {
    const out = terminalSafe('x'.repeat(5000));
    expect(out.length).toBeLessThan(2100);
    expect(out).toMatch(/\.\.\. \(3000 more characters\)$/);
  });
});
