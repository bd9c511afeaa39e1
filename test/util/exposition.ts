import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { requireTool } from './tools';

/*
 * Runtime fixtures: the Prometheus text exposition a runtime serves with its default configuration,
 * written from the runtime's own source (cited at the top of each file). A fixture must be exposition
 * text Prometheus itself accepts: promtool parses it first (a parse error fails; promtool's style lints,
 * such as a counter without `_total`, are what the real runtimes write and are allowed).
 *
 * The parser below only splits the lines promtool has already accepted into samples: the one npm package
 * for it (parse-prometheus-text-format 1.1.1) drops the labels of labelled histograms.
 */

/** A series in promtool's input notation: `name{label="value",...}`. */
export function seriesText(name: string, labels: { readonly [k: string]: string }): string {
  return `${name}{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}

export interface Sample { readonly name: string; readonly labels: { readonly [k: string]: string }; readonly value: number }

const LOADED = new Map<string, Fixture>();

export class Fixture {
  /** A fixture of test/fixtures/runtimes, read (and checked by promtool) once per test file. */
  public static load(name: string): Fixture {
    let f = LOADED.get(name);
    if (!f) {
      const file = path.join(__dirname, '..', 'fixtures', 'runtimes', `${name}.prom`);
      f = Fixture.fromText(name, fs.readFileSync(file, 'utf8'), file);
      LOADED.set(name, f);
    }
    return f;
  }

  /** Exposition text served by something else (the example service), checked by promtool the same way. */
  public static fromText(name: string, text: string, file = name): Fixture {
    try {
      execFileSync(requireTool('promtool'), ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e: any) {
      // 3: lint problems only (the runtime's own naming); 1: the text does not parse.
      if (e.status !== 3) throw new Error(`${file}: promtool check metrics failed:\n${e.stdout}${e.stderr}`);
    }
    return new Fixture(name, text);
  }

  public readonly citation: string[];
  public readonly types = new Map<string, string>();
  public readonly samples: Sample[] = [];

  private constructor(public readonly name: string, text: string) {
    this.citation = [];
    let header = true;
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '') continue;
      if (line.startsWith('#')) {
        const t = /^# TYPE (\S+) (\S+)/.exec(line);
        if (t) this.types.set(t[1], t[2]);
        else if (header && !line.startsWith('# HELP')) this.citation.push(line.replace(/^#\s?/, ''));
        continue;
      }
      header = false;
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/.exec(line);
      if (!m) throw new Error(`${name}: cannot read sample line: ${line}`);
      this.samples.push({ name: m[1], labels: parseLabels(m[2] ?? ''), value: Number(m[3]) });
    }
  }

  /** The family a sample name belongs to (`x_bucket` of histogram `x` is `x`). */
  public familyOf(sampleName: string): string | undefined {
    if (this.types.has(sampleName)) return sampleName;
    const m = /^(.*)_(bucket|count|sum)$/.exec(sampleName);
    if (m && ['histogram', 'summary'].includes(this.types.get(m[1]) ?? '')) return m[1];
    return this.samples.some(s => s.name === sampleName) ? sampleName : undefined;
  }

  /** The type of the family of `sampleName`. */
  public typeOf(sampleName: string): string | undefined {
    const f = this.familyOf(sampleName);
    return f === undefined ? undefined : this.types.get(f) ?? 'untyped';
  }

  public series(sampleName: string): Sample[] {
    return this.samples.filter(s => s.name === sampleName);
  }

  /** The label names the series of `sampleName` carry. */
  public labelNames(sampleName: string): Set<string> {
    return new Set(this.series(sampleName).flatMap(s => Object.keys(s.labels)));
  }

  /** The one series of `sampleName` whose labels include `match`; throws when none or several. */
  public one(sampleName: string, match: { [k: string]: string } = {}): Sample {
    const found = this.series(sampleName).filter(s => Object.entries(match).every(([k, v]) => s.labels[k] === v));
    if (found.length !== 1) {
      throw new Error(`fixture ${this.name}: ${found.length} series of ${sampleName} with ${JSON.stringify(match)} (expected one)`);
    }
    return found[0];
  }

  /** The finite `le` bounds of the histogram series `base` whose labels include `match`, as written. */
  public bucketBounds(base: string, match: { [k: string]: string } = {}): string[] {
    const series = this.series(`${base}_bucket`).filter(s => Object.entries(match).every(([k, v]) => s.labels[k] === v));
    const keys = new Set(series.map(s => JSON.stringify(Object.entries(s.labels).filter(([k]) => k !== 'le').sort())));
    if (keys.size !== 1) throw new Error(`fixture ${this.name}: ${keys.size} histograms ${base} with ${JSON.stringify(match)} (expected one)`);
    return series.map(s => s.labels.le).filter(le => le !== '+Inf');
  }
}

function parseLabels(text: string): { [k: string]: string } {
  const out: { [k: string]: string } = {};
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    out[m[1]] = m[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    if (re.lastIndex >= text.length) break;
  }
  if (text.trim() !== '' && Object.keys(out).length === 0) throw new Error(`cannot read labels {${text}}`);
  return out;
}
