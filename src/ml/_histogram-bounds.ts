import { HistogramSignal } from './_runtime-spec';
import { invalidProp } from '../common/_errors';
import { formatNumber } from '../common/_number';

/*
 * What a runtime's histogram can observe. `histogram_quantile` never returns more than the highest finite
 * bucket bound (a quantile that falls in +Inf is reported as that bound), so a threshold at or above it can
 * never be crossed; and a latency SLI counts slow requests only at a bucket bound. Thresholds the
 * histogram cannot observe are refused here, at construct time, naming the buckets the runtime has.
 */

/** The histogram's finite bucket bounds in seconds, if known. @internal */
export function bucketsInSeconds(h: HistogramSignal): number[] | undefined {
  return h.buckets?.map(b => +(b * h.unitSeconds).toPrecision(12));
}

function listed(h: HistogramSignal): string {
  const b = bucketsInSeconds(h) ?? [];
  return `${b.map(x => `${formatNumber(x)}s`).join(', ')} (${h.bucketsSource ?? 'the runtime\'s buckets'})`;
}

/**
 * Refuses a quantile threshold the histogram cannot exceed: at or above its highest finite bound, or (for a
 * runtime that truncates to whole seconds) below 1 s.
 * @internal
 */
export function checkQuantileThreshold(where: string, prop: string, h: HistogramSignal, seconds: number, runtime: string): void {
  if (h.wholeSeconds && seconds < 1) {
    throw invalidProp(where, prop, `${formatNumber(seconds)}s`,
      `a threshold of 1s or more: the ${runtime} runtime records ${h.base} in whole seconds, so shorter latencies read as 0 (upgrade to Knative 1.21 to observe them)`);
  }
  const b = bucketsInSeconds(h);
  if (!b || b.length === 0) return;
  const top = b[b.length - 1];
  if (seconds >= top * (1 - 1e-9)) {
    throw invalidProp(where, prop, `${formatNumber(seconds)}s`,
      `a threshold below ${formatNumber(top)}s, the highest finite bucket of ${h.base}: a quantile never exceeds it, so the alert could never fire. ` +
      `The runtime's buckets are ${listed(h)}; if you configured others, give them to the runtime preset`);
  }
}

/**
 * The thresholds (in seconds) a latency SLI can take on this histogram: its bucket bounds that are whole
 * milliseconds (a threshold is a Duration); none for a histogram of whole seconds; undefined when the
 * buckets are not known.
 * @internal
 */
export function sliThresholds(h: HistogramSignal): number[] | undefined {
  if (h.wholeSeconds) return [];
  return bucketsInSeconds(h)?.filter(x => Math.abs(x * 1000 - Math.round(x * 1000)) < 1e-6);
}

/**
 * The `le` of a latency SLI's threshold: one of the histogram's bucket bounds (in the histogram's unit).
 * @internal
 */
export function sliBucket(where: string, prop: string, h: HistogramSignal, seconds: number, runtime: string): number {
  if (h.wholeSeconds) {
    throw invalidProp(where, prop, `${formatNumber(seconds)}s`,
      `no latency SLI on the ${runtime} runtime: ${h.base} records every duration truncated to whole seconds, so no bucket separates slow from fast requests ` +
      '(use the availability SLI, or Knative 1.21 and later)');
  }
  const le = seconds / h.unitSeconds;
  const b = h.buckets;
  if (!b) return le;
  if (sliThresholds(h)!.length === 0) {
    throw invalidProp(where, prop, `${formatNumber(seconds)}s`,
      `no latency SLI on the ${runtime} runtime: none of the bucket bounds of ${h.base} is a whole number of milliseconds, which a threshold must be (${listed(h)})`);
  }
  const match = b.find(x => Math.abs(x - le) <= 1e-9 * Math.max(1, Math.abs(le)));
  if (match === undefined) {
    throw invalidProp(where, prop, `${formatNumber(seconds)}s`,
      `one of the bucket bounds of ${h.base}, where requests can be counted as slow or fast: ${listed(h)}`);
  }
  return match;
}
