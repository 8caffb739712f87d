import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { userPath } from './paths.ts';

// Option parsers. Each names its flag in the error, and each refuses what `Number()` would quietly accept
// ('0x10', '1e3' for a count, ' ', 'Infinity'): a flag takes the plain decimal a person would type.

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Parses a positive integer option (plain decimal digits, at most `max`), or fails with a message naming the flag. */
export function positiveInt(flag: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0 || n > max)
      throw new InvalidArgumentError(
        `${flag} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? '(1 or more)' : `from 1 to ${max}`}, got "${value}"`,
      );
    return n;
  };
}

/** The range a number option may take; `exclusive` leaves both ends out. */
export interface NumberRange {
  readonly min: number;
  readonly max: number;
  readonly exclusive?: boolean;
}

/**
 * Parses a decimal number option inside `range`, or fails with a message naming the flag. The range is required:
 * a value that passes `Number.isFinite` can still overflow the arithmetic it feeds (-1e308 times a cost weight).
 */
export function finiteNumber(flag: string, range: NumberRange) {
  return (value: string): number => {
    const n = Number(value);
    const inside = range.exclusive ? n > range.min && n < range.max : n >= range.min && n <= range.max;
    if (!DECIMAL.test(value.trim()) || !inside) {
      const bounds = range.exclusive ? `between ${range.min} and ${range.max} (exclusive)` : `from ${range.min} to ${range.max}`;
      throw new InvalidArgumentError(`${flag} must be a number ${bounds}, got "${value}"`);
    }
    return n;
  };
}

/** A strong-call penalty is in reward units (rewards are in [0, 1]): past 1000 no call is worth it anyway. */
export const STRONG_CALL_PENALTY: NumberRange = { min: 0, max: 1000 };

/** Parses a TCP port (0 asks the system for a free one). */
export function port(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n > 65535) throw new InvalidArgumentError(`${flag} must be a port from 0 to 65535, got "${value}"`);
    return n;
  };
}

/**
 * Parses one of a few integers. Commander's `.choices()` is dropped when an option also has an argument parser,
 * so options whose choices are numbers use this instead (and keep `.choices()` for the help text).
 */
export function intChoice(flag: string, choices: readonly number[]) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !choices.includes(n))
      throw new InvalidArgumentError(`${flag} must be one of ${choices.join(', ')}, got "${value}"`);
    return n;
  };
}

/**
 * Checks, when the command line is parsed and so before any work starts, that a file can be written at `value`:
 * its folder exists and is writable and the path is not a folder. Without it a long run ends in ENOENT after the
 * work is done.
 */
export function outputFile(flag: string) {
  return (value: string): string => {
    if (value.trim() === '') throw new InvalidArgumentError(`${flag} needs a file name`);
    // Resolved from the user's folder (INIT_CWD under `pnpm baton`), and returned resolved: the file checked is the file written.
    const path = userPath(value);
    const folder = dirname(path);
    let isFolder: boolean;
    try {
      isFolder = statSync(folder).isDirectory();
    } catch {
      throw new InvalidArgumentError(`${flag} ${value}: the folder ${folder} does not exist (create it first)`);
    }
    if (!isFolder) throw new InvalidArgumentError(`${flag} ${value}: ${folder} is not a folder`);
    try {
      accessSync(folder, constants.W_OK);
    } catch {
      throw new InvalidArgumentError(`${flag} ${value}: the folder ${folder} is not writable`);
    }
    let target: ReturnType<typeof statSync> | undefined;
    try {
      target = statSync(path);
    } catch {
      target = undefined; // Does not exist yet: it will be created.
    }
    if (target?.isDirectory()) throw new InvalidArgumentError(`${flag} ${value} is a folder, not a file`);
    return path;
  };
}
