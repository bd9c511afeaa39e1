import { invalidProp } from './_errors';

/**
 * Renders a number for PromQL or YAML without binary floating-point noise: 1 - 0.999 renders as
 * `0.001`, never `0.0010000000000000009`.
 * @internal
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot render ${value} as a PromQL number`);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(12)));
}

/** A quantile strictly between 0 and 1, or an Error naming the prop. @internal */
export function validateQuantile(where: string, prop: string, q: unknown): number {
  if (typeof q !== 'number' || !(q > 0 && q < 1)) throw invalidProp(where, prop, q, 'a quantile between 0 and 1 exclusive, e.g. 0.95');
  return q;
}
