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
