import { counter, SeriesSet } from './_input-series';
import { labelsFor, passesAll } from './_label-values';
import { HEALTHY, PodIdentity, podLabelValues, writeService } from './_service-series';
import { formatNumber } from '../common/_number';
import { LabelMatcher } from '../common/_promql';
import { SliEvents } from '../ml/_sli-events';

/*
 * Series that make an SLI count a given share of bad events at a given rate: the user's counters (a
 * series that both selectors match, and one that only the total's does), the user's histogram (requests
 * in the threshold's bucket and above it), or a monitored service's own runtime series (two pods: one
 * serving well, one failing or slow, with the runtime's names and labels).
 */

/** Writes one steady phase of the SLI's events. @internal */
export interface SliWriter {
  /** The values of the SLI's aggregation labels on every series written: the labels its alerts carry. */
  readonly groupLabels: { [k: string]: string };
  /** Writes `rps` events per second, `badRatio` of them bad, into one phase. */
  write(out: SeriesSet, badRatio: number, rps: number): void;
  /** For a latency SLI: writes good events of a histogram without the bucket the SLI reads. */
  writeWithoutBucket?(out: SeriesSet, rps: number): void;
}

/** The writer of the SLI's events, or why none could be built. @internal */
export function sliWriter(events: SliEvents | undefined, aggregateBy: ReadonlyArray<string>, namespace: string,
  families: ReadonlyArray<string>): SliWriter | { reason: string } {
  if (!events) return { reason: 'the SLI\'s events are not known to the generator' };
  switch (events.kind) {
    case 'counters': return countersWriter(events, aggregateBy, namespace);
    case 'histogram': return histogramWriter(events, aggregateBy, namespace);
    case 'service': return serviceWriter(events, aggregateBy, families);
  }
}

/** A value for each aggregation label no matcher fixes: the SLO's namespace, or `<label>-a`. */
function aggregation(aggregateBy: ReadonlyArray<string>, namespace: string, fixed: { [k: string]: string }): { [k: string]: string } {
  return Object.fromEntries(aggregateBy.map(l => [l, fixed[l] ?? (l === 'namespace' ? namespace : `${l}-a`)]));
}

type Parts = Extract<SliEvents, { kind: 'counters' }>;

function countersWriter(e: Parts, aggregateBy: ReadonlyArray<string>, namespace: string): SliWriter | { reason: string } {
  const partName = e.part.metric;
  const totalName = e.total.metric;
  if (partName === undefined || totalName === undefined) return { reason: 'a selector names no metric' };
  const what = e.partIsGood ? 'good' : 'errors';
  const other = e.partIsGood ? 'bad' : 'good';
  if (partName === totalName) {
    // One counter: the part's series passes both selectors, the other series the total's only.
    const inPart = labelsFor([...e.total.matchers, ...e.part.matchers]);
    if ('reason' in inPart) return { reason: `no series found that both selectors (${what} and total) match: ${inPart.reason}` };
    const agg = aggregation(aggregateBy, namespace, inPart.labels);
    const partLabels = { ...inPart.labels, ...agg };
    const outside = labelsFor(withLabels(e.total.matchers, agg), e.part.matchers);
    if ('reason' in outside) return { reason: `no ${other} series found: ${outside.reason}` };
    const otherLabels = { ...outside.labels, ...agg };
    if (!passesAll(e.total.matchers, partLabels) || !passesAll(e.part.matchers, partLabels) || passesAll(e.part.matchers, otherLabels)) {
      return { reason: `the aggregation labels (${aggregateBy.join(', ')}) conflict with the selectors' matchers` };
    }
    return {
      groupLabels: agg,
      write(out, badRatio, rps) {
        const part = e.partIsGood ? 1 - badRatio : badRatio;
        out.add(partName, partLabels, counter(rps * part * 60));
        out.add(totalName, otherLabels, counter(rps * (1 - part) * 60));
      },
    };
  }
  // Two counters: the part's and all events'.
  const p = labelsFor(e.part.matchers);
  if ('reason' in p) return { reason: `no ${what} series found: ${p.reason}` };
  const t = labelsFor(e.total.matchers);
  if ('reason' in t) return { reason: `no total series found: ${t.reason}` };
  const agg = aggregation(aggregateBy, namespace, { ...t.labels, ...p.labels });
  const partLabels = { ...p.labels, ...agg };
  const totalLabels = { ...t.labels, ...agg };
  if (!passesAll(e.part.matchers, partLabels) || !passesAll(e.total.matchers, totalLabels)) {
    return { reason: `the aggregation labels (${aggregateBy.join(', ')}) conflict with the selectors' matchers` };
  }
  return {
    groupLabels: agg,
    write(out, badRatio, rps) {
      out.add(partName, partLabels, counter(rps * (e.partIsGood ? 1 - badRatio : badRatio) * 60));
      out.add(totalName, totalLabels, counter(rps * 60));
    },
  };
}

/** The matchers with each aggregation label fixed to its value. */
function withLabels(matchers: ReadonlyArray<LabelMatcher>, labels: { [k: string]: string }): LabelMatcher[] {
  return [...matchers.filter(m => !(m.name in labels)), ...Object.entries(labels).map(([name, value]) => ({ name, op: '=' as const, value }))];
}

function histogramWriter(e: Extract<SliEvents, { kind: 'histogram' }>, aggregateBy: ReadonlyArray<string>,
  namespace: string): SliWriter | { reason: string } {
  const l = labelsFor(e.matchers);
  if ('reason' in l) return { reason: `no histogram series found: ${l.reason}` };
  const agg = aggregation(aggregateBy, namespace, l.labels);
  const labels = { ...l.labels, ...agg };
  if (!passesAll(e.matchers, labels)) return { reason: `the aggregation labels (${aggregateBy.join(', ')}) conflict with the histogram's matchers` };
  // Prometheus 3 stores an integral bound as "1.0" (the SLI matches both spellings).
  const le = Number.isInteger(e.le) ? `${e.le}.0` : formatNumber(e.le);
  return {
    groupLabels: agg,
    write(out, badRatio, rps) {
      // Good requests land in the threshold's bucket, bad ones above it (only in +Inf).
      out.add(`${e.base}_bucket`, { ...labels, le }, counter(rps * (1 - badRatio) * 60));
      out.add(`${e.base}_bucket`, { ...labels, le: '+Inf' }, counter(rps * 60));
      out.add(`${e.base}_count`, labels, counter(rps * 60));
    },
    writeWithoutBucket(out, rps) {
      out.add(`${e.base}_bucket`, { ...labels, le: '+Inf' }, counter(rps * 60));
      out.add(`${e.base}_count`, labels, counter(rps * 60));
    },
  };
}

function serviceWriter(e: Extract<SliEvents, { kind: 'service' }>, aggregateBy: ReadonlyArray<string>,
  families: ReadonlyArray<string>): SliWriter | { reason: string } {
  const q = e.queries;
  const spec = q.spec;
  const id: PodIdentity = { namespace: q.namespaces[0], service: q.service, pod: `${q.service}-0`, model: 'model-a' };
  const slow: PodIdentity = { ...id, pod: `${q.service}-1` };
  // The two pods' series share every label value but pod's.
  const { pod: _pod, ...values } = podLabelValues(spec, id);
  const missing = aggregateBy.filter(l => !(l in values));
  if (missing.length > 0) return { reason: `the SLI is aggregated by ${missing.join(', ')}, which the service's series do not carry` };
  // Only what the SLI reads, and the targets' up: the pods' other series change nothing here.
  const reads = (metric: string) => metric === 'up' || families.includes(metric);
  const probe = new SeriesSet();
  try {
    writeService(probe, spec, id, HEALTHY);
  } catch (err) {
    return { reason: (err as Error).message };
  }
  return {
    groupLabels: Object.fromEntries(aggregateBy.map(l => [l, values[l]])),
    write(out, badRatio, rps) {
      // One pod serves the good requests; the other fails (availability) or is slow (latency) on every one.
      const pods = new SeriesSet();
      writeService(pods, spec, id, { ...HEALTHY, rps: rps * (1 - badRatio) });
      const bad = e.latencySeconds !== undefined ? { latency: e.latencySeconds * 2 } : { errorRatio: 1 };
      writeService(pods, spec, slow, { ...HEALTHY, rps: rps * badRatio, ...bad });
      out.addFrom(pods, x => reads(x.name));
    },
    writeWithoutBucket: e.latencySeconds === undefined ? undefined : (out, rps) => {
      // The runtime's histogram as a server configured without the threshold's bound would write it.
      const pods = new SeriesSet();
      writeService(pods, spec, id, { ...HEALTHY, rps });
      const h = spec.latency!;
      const le = e.latencySeconds! / h.unitSeconds;
      out.addFrom(pods, x => reads(x.name) && !(x.name === `${h.base}_bucket` && Math.abs(Number(x.labels.le) - le) <= 1e-9 * le));
    },
  };
}
