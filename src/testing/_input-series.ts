import { formatNumber } from '../common/_number';
import { quote } from '../common/_promql';

/*
 * promtool's input series: a series in the exposition's notation and its values in promtool's expanding
 * notation (`0+60x20`: a counter growing by 60 at each of 20 steps; `_x5`: five steps without a sample),
 * one sample per step of the test. A test is a timeline of steady phases (healthy, then burning): each
 * phase is a SeriesSet of what every series does at each step, and the timeline joins them, a counter
 * carrying on from where the previous phase left it.
 */

/** One series of a generated promtool test. @internal */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** What a series does at each step of a phase. @internal */
export type Sample =
  | { readonly kind: 'counter'; readonly perStep: number }
  /** A counter of whole events (restarts): its value is rounded down at each step. */
  | { readonly kind: 'whole'; readonly perStep: number }
  | { readonly kind: 'gauge'; readonly value: number };

/** A counter growing by `perStep` at each step. @internal */
export function counter(perStep: number): Sample {
  return { kind: 'counter', perStep };
}

/** A counter of whole events growing by `perStep` (a fraction) at each step. @internal */
export function wholeCounter(perStep: number): Sample {
  return { kind: 'whole', perStep };
}

/** A gauge held at `value`. @internal */
export function gauge(value: number): Sample {
  return { kind: 'gauge', value };
}

/** `name{a="1",b="2"}` with the labels sorted, as promtool and the exposition write them. @internal */
export function seriesText(name: string, labels: { [k: string]: string }): string {
  const body = Object.keys(labels).sort().map(k => `${k}=${quote(labels[k])}`).join(',');
  return body ? `${name}{${body}}` : name;
}

function num(v: number): string {
  return formatNumber(Number(v.toPrecision(12)));
}

/** One series of a phase: its name, labels and what it does. @internal */
export interface PhaseSeries {
  readonly name: string;
  readonly labels: { readonly [k: string]: string };
  readonly sample: Sample;
}

/**
 * The series of one steady phase, by their text: a series written twice (a histogram's `_count` that is
 * also the request counter) must be written alike, or the generator has contradicted itself. @internal
 */
export class SeriesSet {
  private readonly byText = new Map<string, PhaseSeries>();

  public add(name: string, labels: { [k: string]: string }, sample: Sample): { [k: string]: string } {
    this.put({ name, labels, sample });
    return labels;
  }

  /** Adds the series of `other` that `keep` keeps. */
  public addFrom(other: SeriesSet, keep: (s: PhaseSeries) => boolean): void {
    for (const s of other.byText.values()) if (keep(s)) this.put(s);
  }

  /** The series of the phase, by their text. */
  public entries(): Array<[string, Sample]> {
    return [...this.byText.entries()].map(([text, s]) => [text, s.sample]);
  }

  private put(s: PhaseSeries): void {
    const text = seriesText(s.name, s.labels);
    const prev = this.byText.get(text);
    if (prev !== undefined && JSON.stringify(prev.sample) !== JSON.stringify(s.sample)) {
      throw new Error(`internal: generated series ${text} twice with different values`);
    }
    this.byText.set(text, s);
  }
}

/** One steady phase of a timeline: `steps` one-minute steps (the first phase also has the sample at 0). @internal */
export interface Phase {
  readonly set: SeriesSet;
  readonly steps: number;
}

/**
 * The input series of a timeline of phases: the first phase starts with a sample at step 0, every phase
 * then adds `steps` samples. A series a phase does not write has no samples in it (`_`), and a counter
 * resumes from its last value. @internal
 */
export function timeline(phases: ReadonlyArray<Phase>): InputSeries[] {
  const names: string[] = [];
  for (const p of phases) for (const [text] of p.set.entries()) if (!names.includes(text)) names.push(text);
  const samples = phases.map(p => new Map(p.set.entries()));
  return names.map(text => {
    const parts: string[] = [];
    let total = 0; // a counter's exact running value
    let started = false;
    phases.forEach((p, i) => {
      const sample = samples[i].get(text);
      const n = i === 0 ? p.steps + 1 : p.steps;
      if (n <= 0) return;
      if (!sample) {
        parts.push(n === 1 ? '_' : `_x${n}`);
        return;
      }
      if (sample.kind === 'gauge') {
        parts.push(n === 1 ? num(sample.value) : `${num(sample.value)}+0x${n - 1}`);
        return;
      }
      // A counter: its first sample of the very first phase is 0, every other sample adds one step.
      const values: number[] = [];
      for (let k = 0; k < n; k++) {
        if (started) total += sample.perStep;
        started = true;
        values.push(total);
      }
      if (sample.kind === 'whole' && !Number.isInteger(sample.perStep)) {
        parts.push(values.map(v => num(Math.floor(v + 1e-9))).join(' '));
      } else {
        // promtool expands `a+bxn` to a, a+b, ..., a+nb.
        parts.push(n === 1 ? num(values[0]) : `${num(values[0])}+${num(sample.perStep)}x${n - 1}`);
      }
    });
    return { series: text, values: parts.join(' ') };
  });
}
