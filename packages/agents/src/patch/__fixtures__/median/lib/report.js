import { mean, median } from './stats.js';

/** One-line summary of a sample, e.g. `n=3 mean=2.00 median=2.00`. */
export function summary(values) {
  return `n=${values.length} mean=${mean(values).toFixed(2)} median=${median(values).toFixed(2)}`;
}
