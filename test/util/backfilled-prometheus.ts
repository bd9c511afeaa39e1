import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { freePort } from './net';
import { requireTool } from './tools';
import { Proc, startProcess } from '../e2e/_processes';

/*
 * A real Prometheus over days of history made in seconds: raw series are written as OpenMetrics and turned
 * into TSDB blocks (`promtool tsdb create-blocks-from openmetrics`); recording rules are then evaluated over
 * that history by `promtool tsdb create-blocks-from rules`, which runs the server's own query engine at each
 * group's own interval and evaluation offset (Group.EvalTimestamp), as the rule manager would have. A rule that
 * reads another recorded series needs that series stored first, so rules are imported level by level (a rule's
 * level is one more than that of the recorded series it reads), restarting the server on the new blocks after
 * each level.
 */

/** One raw counter: its labels and its value at a time in seconds. */
export interface RawCounter {
  readonly labels: { readonly [k: string]: string };
  readonly value: (t: number) => number;
}

/** A rule as Prometheus reads it. */
export interface RuleDoc {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly labels?: { [k: string]: string };
  readonly for?: string;
}

/** A rule group as Prometheus reads it. */
export interface RuleGroupDoc {
  readonly name: string;
  readonly interval?: string;
  readonly rules: ReadonlyArray<RuleDoc>;
}

/** A series of a range query: its labels and the times (seconds) at which it had a value. */
export interface RangeSeries {
  readonly metric: { readonly [k: string]: string };
  readonly values: ReadonlyArray<[number, string]>;
}

function run(bin: string, args: string[], timeoutMs = 600_000): string {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${path.basename(bin)} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${(r.stdout + r.stderr).slice(-4000)}`);
  return r.stdout + r.stderr;
}

/** OpenMetrics text of counters of one family sampled every `step` seconds in [from, to]. */
export function openMetricsCounters(family: string, counters: ReadonlyArray<RawCounter>, from: number, to: number, step: number): string {
  const out: string[] = [`# TYPE ${family} counter`];
  for (const c of counters) {
    const labels = Object.keys(c.labels).sort().map(k => `${k}=${JSON.stringify(c.labels[k])}`).join(',');
    for (let t = from; t <= to; t += step) out.push(`${family}_total{${labels}} ${c.value(t)} ${t}`);
  }
  out.push('# EOF', '');
  return out.join('\n');
}

/** Names of the recorded series an expression reads (among `recorded`). */
function reads(expr: string, recorded: ReadonlySet<string>): string[] {
  return [...recorded].filter(name => new RegExp(`(^|[^a-zA-Z0-9_:])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-zA-Z0-9_:]|$)`).test(expr));
}

/** The recording rules of `groups` by level: level 0 reads raw series only; level n reads series of levels below n. */
export function ruleLevels(groups: ReadonlyArray<RuleGroupDoc>): RuleGroupDoc[][] {
  const recorded = new Set(groups.flatMap(g => g.rules.filter(r => r.record).map(r => r.record!)));
  const level = new Map<string, number>();
  const levelOf = (name: string, seen: Set<string>): number => {
    if (level.has(name)) return level.get(name)!;
    if (seen.has(name)) throw new Error(`recording rules read each other in a cycle at ${name}`);
    seen.add(name);
    const rules = groups.flatMap(g => g.rules).filter(r => r.record === name);
    const l = Math.max(0, ...rules.flatMap(r => reads(r.expr, recorded).filter(n => n !== name).map(n => levelOf(n, seen) + 1)));
    level.set(name, l);
    return l;
  };
  const out: RuleGroupDoc[][] = [];
  for (const name of recorded) levelOf(name, new Set());
  const max = Math.max(-1, ...level.values());
  for (let l = 0; l <= max; l++) {
    out.push(groups.map(g => ({ ...g, rules: g.rules.filter(r => r.record && level.get(r.record) === l) })).filter(g => g.rules.length > 0));
  }
  return out;
}

export class BackfilledPrometheus {
  /** A server over the raw history in `openMetrics`, in a fresh data folder under `dir`. */
  public static async start(dir: string, openMetrics: string): Promise<BackfilledPrometheus> {
    const data = path.join(dir, 'data');
    fs.mkdirSync(data, { recursive: true });
    const input = path.join(dir, 'history.om.txt');
    fs.writeFileSync(input, openMetrics);
    run(requireTool('promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', input, data]);
    fs.rmSync(input);
    const p = new BackfilledPrometheus(dir, data, await freePort());
    await p.startServer();
    return p;
  }

  private proc?: Proc;
  private constructor(private readonly dir: string, private readonly data: string, private readonly port: number) {}

  public get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async startServer(): Promise<void> {
    const config = path.join(this.dir, 'prometheus.yml');
    fs.writeFileSync(config, 'global:\n  evaluation_interval: 30s\n');
    this.proc = await startProcess('prometheus', requireTool('prometheus'), [
      `--config.file=${config}`, `--storage.tsdb.path=${this.data}`, `--web.listen-address=127.0.0.1:${this.port}`,
      '--storage.tsdb.retention.time=3650d', '--log.level=warn',
    ], async () => (await fetch(`${this.url}/-/ready`).catch(() => undefined))?.ok === true);
  }

  /**
   * Evaluates the recording rules of `groups` over [start, end] (seconds) at each group's interval (groups
   * without one at `defaultInterval`), level by level, and loads the results. Alerting rules are not
   * evaluated here (see `queryRange`).
   *
   * A group is evaluated at an offset within its interval that Prometheus derives from its file and name. With
   * `sharedOffset`, every group of one interval, of every call, is evaluated at the same offset (as one group
   * named by its interval, in one file): rule sets compared side by side then read their recorded series
   * equally fresh, so neither is favoured by where its groups fall in the interval.
   */
  public async importRules(name: string, groups: ReadonlyArray<RuleGroupDoc>, start: number, end: number,
    options: { defaultInterval?: string; sharedOffset?: boolean } = {}): Promise<void> {
    const defaultInterval = options.defaultInterval ?? '30s';
    const levels = ruleLevels(groups);
    for (let i = 0; i < levels.length; i++) {
      let level = levels[i];
      if (options.sharedOffset) {
        const byInterval = new Map<string, RuleDoc[]>();
        for (const g of level) byInterval.set(g.interval ?? defaultInterval, [...byInterval.get(g.interval ?? defaultInterval) ?? [], ...g.rules]);
        level = [...byInterval].map(([interval, rules]) => ({ name: `every-${interval}`, interval, rules }));
      }
      const file = path.join(this.dir, options.sharedOffset ? 'shared-offset.rules.yaml' : `${name}.level${i}.rules.yaml`);
      fs.writeFileSync(file, YAML.stringify({ groups: level }));
      const out = path.join(this.dir, `${name}.level${i}.blocks`);
      run(requireTool('promtool'), ['tsdb', 'create-blocks-from', 'rules', `--start=${start}`, `--end=${end}`, `--url=${this.url}`,
        `--output-dir=${out}`, `--eval-interval=${defaultInterval}`, file]);
      // The next level reads this one's series: load its blocks (a restart) before evaluating it.
      await this.load(out);
    }
  }

  private async load(out: string): Promise<void> {
    await this.proc!.stop();
    for (const block of fs.readdirSync(out)) fs.renameSync(path.join(out, block), path.join(this.data, block));
    fs.rmSync(out, { recursive: true, force: true });
    await this.startServer();
  }

  /** The series of `expr` at every `step` seconds in [start, end]. */
  public async queryRange(expr: string, start: number, end: number, step: number): Promise<RangeSeries[]> {
    const series = new Map<string, { metric: { [k: string]: string }; values: Array<[number, string]> }>();
    // Prometheus answers at most 11,000 points per series per query.
    for (let from = start; from <= end; from += 10_000 * step) {
      const to = Math.min(end, from + 9_999 * step);
      const body = new URLSearchParams({ query: expr, start: String(from), end: String(to), step: String(step) });
      const r = await (await fetch(`${this.url}/api/v1/query_range`, { method: 'POST', body })).json() as any;
      if (r.status !== 'success') throw new Error(`query_range failed: ${r.error}\n${expr}`);
      for (const s of r.data.result) {
        const key = JSON.stringify(s.metric);
        if (!series.has(key)) series.set(key, { metric: s.metric, values: [] });
        series.get(key)!.values.push(...s.values.map((v: [number, string]) => [Number(v[0]), v[1]] as [number, string]));
      }
    }
    return [...series.values()];
  }

  /** `expr` at `time`, with the samples the engine read to answer it (Prometheus' query statistics). */
  public async queryStats(expr: string, time: number): Promise<{ result: any[]; samples: number }> {
    const body = new URLSearchParams({ query: expr, time: String(time), stats: 'all' });
    const r = await (await fetch(`${this.url}/api/v1/query`, { method: 'POST', body })).json() as any;
    if (r.status !== 'success') throw new Error(`query failed: ${r.error}\n${expr}`);
    return { result: r.data.result, samples: Number(r.data.stats?.samples?.totalQueryableSamples ?? NaN) };
  }

  public async stop(): Promise<void> {
    await this.proc?.stop();
  }
}
