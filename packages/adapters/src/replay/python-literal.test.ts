import { describe, expect, it } from 'vitest';
import { parsePythonStringList, PythonLiteralError, pythonStringListRepr } from '@baton/adapters';

describe('Python list-of-strings literals', () => {
  it('reads both quote styles and several elements', () => {
    expect(parsePythonStringList(`['a', "b's"]`)).toEqual(['a', "b's"]);
    expect(parsePythonStringList(` [ 'x' , ] `)).toEqual(['x']);
    expect(parsePythonStringList('[]')).toEqual([]);
    expect(parsePythonStringList(`[u'old']`)).toEqual(['old']);
  });

  it('decodes the escapes repr writes', () => {
    expect(parsePythonStringList(String.raw`['a\nb\tc\rd']`)).toEqual(['a\nb\tc\rd']);
    expect(parsePythonStringList(String.raw`['it\'s', "say \"hi\""]`)).toEqual(["it's", 'say "hi"']);
    expect(parsePythonStringList(String.raw`['back\\slash', 'not \d an escape']`)).toEqual(['back\\slash', 'not \\d an escape']);
    expect(parsePythonStringList(String.raw`['\x07\x1b', '\u00e9\u2603', '\U0001f600', '\ud83d\ude00']`)).toEqual([
      '\x07\x1b',
      'é☃',
      '😀',
      '😀',
    ]);
    expect(parsePythonStringList(String.raw`['\0\101']`)).toEqual(['\0A']);
    expect(parsePythonStringList(`['héllo ☃ 😀']`)).toEqual(['héllo ☃ 😀']);
  });

  it('rejects what is not a list of string literals, saying where', () => {
    for (const bad of [`'a'`, `['a'`, `['a' 'b']`, `['a']x`, `[1]`, String.raw`['\x4']`, `["a']`]) {
      expect(() => parsePythonStringList(bad), bad).toThrow(PythonLiteralError);
    }
    expect(() => parsePythonStringList(`['a']  x`)).toThrow(/at character 8/);
  });

  it('writes what it reads, as Python repr does', () => {
    expect(pythonStringListRepr(['a\nb'])).toBe(String.raw`['a\nb']`);
    expect(pythonStringListRepr(["it's"])).toBe(`["it's"]`);
    expect(pythonStringListRepr([`it's "x"`])).toBe(String.raw`['it\'s "x"']`);
    expect(pythonStringListRepr(['a\\b', 'c'])).toBe(String.raw`['a\\b', 'c']`);
    for (const s of ['', 'plain', 'x\'y"z\\w', '\x00\x1f\x7f\r\n\t', 'é 😀 ☃', '\ud800 lone']) {
      expect(parsePythonStringList(pythonStringListRepr([s, s]))).toEqual([s, s]);
    }
  });
});
