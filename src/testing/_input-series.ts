import { formatNumber } from '../common/_number';
import { quote } from '../common/_promql';

/*
 * promtool's input series: a series in the exposition's notation and its values in promtool's expanding
 * notation (`0+60x20`: a counter growing by 60 at each of 20 steps), one sample per step of the test.
 */

/** One series of a generated promtool test. @internal */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** `name{a="1",b="2"}` with the labels sorted, as promtool and the exposition write them. @internal */
export function seriesText(name: string, labels: { [k: string]: string }): string {
  const body = Object.keys(labels).sort().map(k => `${k}=${quote(labels[k])}`).join(',');
  return body ? `${name}{${body}}` : name;
}

/** A counter growing by `perStep` at each of `steps` steps from 0. @internal */
export function counterValues(perStep: number, steps: number): string {
  return `0+${num(perStep)}x${steps}`;
}

/** A gauge held at `value` for `steps` steps. @internal */
export function gaugeValues(value: number, steps: number): string {
  return `${num(value)}+0x${steps}`;
}


function num(v: number): string {
  return formatNumber(Number(v.toPrecision(12)));
}

/**
 * Input series by their text: a series written twice (a histogram's `_count` that is also the request
 * counter) must be written with the same values, or the generator has contradicted itself. @internal
 */
export class SeriesSet {
  private readonly byText = new Map<string, string>();

  public add(name: string, labels: { [k: string]: string }, values: string): { [k: string]: string } {
    const text = seriesText(name, labels);
    const prev = this.byText.get(text);
    if (prev !== undefined && prev !== values) throw new Error(`internal: generated series ${text} twice with different values`);
    this.byText.set(text, values);
    return labels;
  }

  public get series(): InputSeries[] {
    return [...this.byText.entries()].map(([series, values]) => ({ series, values }));
  }
}
