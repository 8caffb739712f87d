import { z } from 'zod';
import { UserError, type InterfaceView } from '@baton/core';

/** How one interface feature enters a neural head: raw (times `scale`) or one-hot over `oneHot` categories. */
export const featureSpecSchema = z.object({
  key: z.string().min(1),
  from: z.enum(['projection', 'private']),
  oneHot: z.number().int().positive().optional(),
  scale: z.number().optional(),
});
export type FeatureSpec = z.infer<typeof featureSpecSchema>;

/** Width of the encoded vector. */
export function encodedSize(specs: readonly FeatureSpec[]): number {
  return specs.reduce((n, s) => n + (s.oneHot ?? 1), 0);
}

/** Encodes a view into `out`. Missing features are a UserError naming the key, not a silent zero. */
export function encodeView(specs: readonly FeatureSpec[], view: InterfaceView, out: Float32Array): Float32Array {
  let i = 0;
  for (const spec of specs) {
    const value = (spec.from === 'projection' ? view.projection : view.privateState)[spec.key];
    if (value === undefined) throw new UserError(`the interface has no feature "${spec.key}"`, { field: `features.${spec.key}` });
    if (spec.oneHot) {
      out.fill(0, i, i + spec.oneHot);
      const k = Math.round(value);
      if (k >= 0 && k < spec.oneHot) out[i + k] = 1;
      i += spec.oneHot;
    } else {
      out[i++] = value * (spec.scale ?? 1);
    }
  }
  return out;
}
