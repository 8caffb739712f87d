import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mean, median } from '../lib/stats.js';
import { summary } from '../lib/report.js';

test('mean of four numbers', () => {
  assert.equal(mean([1, 2, 3, 4]), 2.5);
});

test('median of an odd, sorted list', () => {
  assert.equal(median([1, 2, 3]), 2);
});

test('median sorts numerically, not as strings', () => {
  assert.equal(median([10, 9, 2]), 9);
});

test('median of an even-length list averages the middle pair', () => {
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('summary line', () => {
  assert.equal(summary([1, 2, 3, 4]), 'n=4 mean=2.50 median=2.50');
});
