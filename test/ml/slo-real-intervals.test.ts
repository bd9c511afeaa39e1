import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { Objective, SloAlert, SloBackfill, Sli } from '../../src';
import { BackfilledPrometheus, openMetricsCounters, RawCounter, RuleGroupDoc } from '../util/backfilled-prometheus';
import { byKind, Doc, synthChart, testChart, TEST_SELECTOR } from '../util/synth';

/*
 * The SLO tiers on a real Prometheus (the proofs' engine) at the rule groups' own intervals, side by side
 * with Sloth's rules for the same SLO (test/fixtures/sloth, transcribed from Sloth v0.16.0's generator
 * output), over the same backfilled history: five scenarios of the SRE workbook, http_requests_total
 * scraped every minute (Prometheus' default), 10 requests a second. Each rule set's recording rules are evaluated over the whole
 * history by promtool's rule importer, which runs the server's query engine at each group's interval and
 * evaluation offset; each tier's alert condition is then evaluated every 30 s, as an alerting rule without
 * `for` (neither side has one) is. For every scenario and tier: when it fires after the burn starts and
 * when it clears after the burn ends. The table is written to the test's output.
 */

const DAY = 86_400;
const H = 3_600;
const M = 60;
/** 2026-01-05T00:00:00Z: the history's start. */
const T0 = Date.UTC(2026, 0, 5) / 1000;
/** Every window is full of good traffic when the burns start (the longest alert window is 3 days). */
const BURN = T0 + 3 * DAY + H;
const RPS = 10;
/** Prometheus' default scrape interval. */
const SCRAPE = 60;

interface Scenario { readonly name: string; readonly ratio: number; readonly seconds: number }
const SCENARIOS: Scenario[] = [
  { name: 'total outage, 1 h', ratio: 1, seconds: H },
  { name: 'total outage, 10 min', ratio: 1, seconds: 10 * M },
  { name: '10x burn (1 %), 12 h', ratio: 0.01, seconds: 12 * H },
  { name: '2x burn (0.2 %), 48 h', ratio: 0.002, seconds: 48 * H },
  { name: '1.2x burn (0.12 %), 66 h', ratio: 0.0012, seconds: 66 * H },
];
const END = BURN + 66 * H + 8 * H;
const slug = (s: Scenario) => s.name.replace(/[^a-z0-9.]+/gi, '-').replace(/-+$/, '').toLowerCase();

/** Bad events of a scenario up to `t`. */
function badUpTo(s: Scenario, t: number): number {
  return s.ratio * RPS * Math.max(0, Math.min(t, BURN + s.seconds) - BURN);
}
const counters: RawCounter[] = SCENARIOS.flatMap(s => [
  { labels: { job: 'api', scenario: slug(s), code: '200' }, value: (t: number) => RPS * (t - T0) - badUpTo(s, t) },
  { labels: { job: 'api', scenario: slug(s), code: '500' }, value: (t: number) => badUpTo(s, t) },
]);

const sli = () => Sli.errorRatio({
  name: 'api-availability', errors: 'http_requests_total{job="api",code="500"}', total: 'http_requests_total{job="api"}', aggregateBy: ['scenario'],
});
function ours(): { docs: Doc[]; groups: RuleGroupDoc[]; alert: SloAlert } {
  const chart = testChart('monitoring');
  const alert = new SloAlert(chart, 'api', { selectorLabels: TEST_SELECTOR, sli: sli(), objective: Objective.percent(99.9) });
  const docs = synthChart(chart);
  return { docs, alert, groups: byKind(docs, 'PrometheusRule').flatMap(d => d.spec.groups) };
}
const TIERS = ['page-fast', 'page-slow', 'ticket-fast', 'ticket-slow'];

/** Our tiers' conditions, by tier. */
function ourConditions(groups: RuleGroupDoc[]): Map<string, string> {
  return new Map(groups.flatMap(g => g.rules).filter(r => r.alert && r.labels?.slo_tier).map(r => [r.labels!.slo_tier, r.expr]));
}

/** Sloth's page and ticket alerts split into their two tiers each (the halves of the top-level `or`, in order). */
function slothConditions(groups: RuleGroupDoc[]): Map<string, string> {
  const alerts = groups.flatMap(g => g.rules).filter(r => r.alert);
  const halves = alerts.flatMap(a => a.expr.split(/\n\s*or\n/));
  expect(halves).toHaveLength(4);
  return new Map(TIERS.map((t, i) => [t, halves[i]]));
}

interface Timing { fire?: number; clear?: number }

/** When each scenario's condition first holds after the burn starts, and first stops holding after it ends. */
function timings(series: Array<{ metric: { [k: string]: string }; values: ReadonlyArray<[number, string]> }>, step: number): Map<string, Timing> {
  const out = new Map<string, Timing>();
  for (const s of SCENARIOS) {
    const held = new Set(series.filter(x => x.metric.scenario === slug(s)).flatMap(x => x.values.map(v => v[0])));
    const fire = [...held].filter(t => t >= BURN).sort((a, b) => a - b)[0];
    let clear: number | undefined;
    if (fire !== undefined) {
      for (let t = Math.max(fire, BURN + s.seconds); t <= END; t += step) if (!held.has(t)) { clear = t; break; }
    }
    out.set(slug(s), { fire: fire === undefined ? undefined : fire - BURN, clear: clear === undefined ? undefined : clear - (BURN + s.seconds) });
  }
  return out;
}

const fmt = (s?: number): string => {
  if (s === undefined) return '—';
  if (s < H) return `${Math.floor(s / M)}m${String(s % M).padStart(2, '0')}s`;
  const minutes = Math.round(s / M);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
};

describe('SLO tiers on a real Prometheus at the groups\' own intervals, against Sloth\'s rules', () => {
  let dir: string;
  let prom: BackfilledPrometheus;
  const rows: string[] = [];
  const results = new Map<string, { ours: Map<string, Timing>; sloth: Map<string, Timing> }>();
  const cost = { ours: 0, sloth: 0, ourRules: 0, slothRules: 0 };
  /** Values read at given times after the rules ran: the budget, and the events the low-traffic guard counts. */
  const read = { budget: new Map<string, number>(), events1h: [] as number[], events3d: [] as number[] };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-real-'));
    prom = await BackfilledPrometheus.start(dir, openMetricsCounters('http_requests', counters, T0, END, SCRAPE));
    const { groups, alert } = ours();
    const sloth: RuleGroupDoc[] = YAML.parse(fs.readFileSync(path.join(__dirname, '../fixtures/sloth/availability-99.9-30d.rules.yaml'), 'utf8')).groups;
    // Each set's groups of one interval at one evaluation offset, the same for both (see importRules).
    await prom.importRules('ours', groups, T0, END, { sharedOffset: true });
    await prom.importRules('sloth', sloth, T0, END, { sharedOffset: true });
    const step = 30;
    const ourCond = ourConditions(groups);
    const slothCond = slothConditions(sloth);
    for (const tier of TIERS) {
      results.set(tier, {
        ours: timings(await prom.queryRange(ourCond.get(tier)!, BURN - H, END, step), step),
        sloth: timings(await prom.queryRange(slothCond.get(tier)!, BURN - H, END, step), step),
      });
    }
    // Evaluation cost: samples the engine reads per hour for every rule, once all windows are full.
    const at = BURN + 2 * H;
    const perHour = (interval?: string) => 3600 / (interval === '5m' ? 300 : 30);
    for (const [side, gs] of [['ours', groups], ['sloth', sloth]] as const) {
      for (const g of gs) {
        for (const r of g.rules) {
          const { samples } = await prom.queryStats(r.expr, at);
          cost[side] += samples * perHour(g.interval);
          cost[side === 'ours' ? 'ourRules' : 'slothRules']++;
        }
      }
    }
    expect(alert.ruleCount).toBe(cost.ourRules);
    // The budget (its group every 5 m) at the end of the history, and the guard's event counts at times that
    // fall anywhere in a tile's 5 minutes.
    for (const r of (await prom.queryStats('slo:error_budget_remaining:ratio', END)).result) read.budget.set(r.metric.scenario, Number(r.value[1]));
    const guard = (whole: string) => `sum without (event) (slo:sli_events:window_head{event="total",scenario="${slug(SCENARIOS[0])}"} `
      + `+ sum_over_time(slo:sli_events:rate5m_every5m{event="total",scenario="${slug(SCENARIOS[0])}"}[${whole}] offset 5m)) * 300`;
    for (let k = 0; k < 10; k++) {
      const when = BURN + 10 * H + k * 37;
      read.events1h.push(Number((await prom.queryStats(guard('50m'), when)).result[0].value[1]));
      read.events3d.push(Number((await prom.queryStats(guard('2d23h50m'), when)).result[0].value[1]));
    }
    rows.push('| scenario | tier | fires after (ours / Sloth) | clears after (ours / Sloth) |', '|---|---|---|---|');
    for (const s of SCENARIOS) {
      for (const tier of TIERS) {
        const o = results.get(tier)!.ours.get(slug(s))!;
        const l = results.get(tier)!.sloth.get(slug(s))!;
        if (o.fire === undefined && l.fire === undefined) continue;
        rows.push(`| ${s.name} | ${tier} | ${fmt(o.fire)} / ${fmt(l.fire)} | ${fmt(o.clear)} / ${fmt(l.clear)} |`);
      }
    }
    rows.push('', `rules: ours ${cost.ourRules}, Sloth ${cost.slothRules}; samples read per hour of evaluation: ours ${cost.ours}, Sloth ${cost.sloth} ` +
      `(${(cost.ours / cost.sloth).toFixed(3)}x)`);
    process.stdout.write(`\nSLO tiers at real intervals (Prometheus engine of this run), burn onset to fire and burn end to clear:\n${rows.join('\n')}\n`);
  }, 900_000);

  afterAll(async () => {
    await prom?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each(SCENARIOS.map(s => [s.name, s] as const))('%s: every tier Sloth raises is raised, no sooner cleared than fired, and no later than Sloth\'s', (_n, s) => {
    const problems: string[] = [];
    for (const tier of TIERS) {
      const o = results.get(tier)!.ours.get(slug(s))!;
      const l = results.get(tier)!.sloth.get(slug(s))!;
      if ((o.fire === undefined) !== (l.fire === undefined)) problems.push(`${tier}: ours ${fmt(o.fire)}, Sloth ${fmt(l.fire)}`);
      if (o.fire !== undefined && l.fire !== undefined && o.fire > l.fire) problems.push(`${tier} fires later: ${fmt(o.fire)} vs Sloth ${fmt(l.fire)}`);
      if (o.clear !== undefined && l.clear !== undefined && o.clear > l.clear) problems.push(`${tier} clears later: ${fmt(o.clear)} vs Sloth ${fmt(l.clear)}`);
      if (o.fire !== undefined && o.clear === undefined) problems.push(`${tier} never clears`);
    }
    expect(problems).toEqual([]);
  });

  test('the workbook\'s detection times hold: a total outage pages within 2 minutes; a 10x burn pages through the 6 h tier near 3.6 h', () => {
    const outage = results.get('page-fast')!.ours.get(slug(SCENARIOS[0]))!;
    expect(outage.fire).toBeLessThanOrEqual(2 * M);
    const slow = results.get('page-slow')!.ours.get(slug(SCENARIOS[2]))!;
    expect(slow.fire).toBeGreaterThan(3.5 * H);
    expect(slow.fire).toBeLessThan(3.7 * H);
    expect(results.get('page-fast')!.ours.get(slug(SCENARIOS[2]))!.fire).toBeUndefined();
  });

  test('the error budget left is the share of the SLO\'s budget the whole history spent (the budget group every 5 m, over its tiles)', () => {
    // The history (6 days) is shorter than the 30-day window: the budget covers all of it, but for up to
    // one tile at its start and the minutes after its last evaluation.
    for (const sc of SCENARIOS) {
      const last = Math.floor(END / 300) * 300;
      const spent = badUpTo(sc, last) / (RPS * (last - T0)) / 0.001;
      expect(Math.abs(read.budget.get(slug(sc))! - (1 - spent))).toBeLessThan(0.01 + spent * 0.01);
    }
  });

  test('the low-traffic guard counts the events of its window at the real cadence (55 to 60 minutes of them; promtool counted each tile ten times)', () => {
    for (const n of read.events1h) {
      expect(n).toBeGreaterThanOrEqual(RPS * 55 * M - 1);
      expect(n).toBeLessThanOrEqual(RPS * 60 * M + 1);
    }
    for (const n of read.events3d) {
      expect(n).toBeGreaterThanOrEqual(RPS * (3 * DAY - 5 * M) - 1);
      expect(n).toBeLessThanOrEqual(RPS * 3 * DAY + 1);
    }
  });

  test('at most 12 rules per SLO, and fewer samples read per hour than Sloth\'s rules', () => {
    expect(cost.ourRules).toBeLessThanOrEqual(12);
    expect(cost.ours).toBeLessThan(cost.sloth);
  });
});

describe('first install over an outage that ended an hour before', () => {
  /*
   * 10 days of good traffic with a 10-minute total outage ending an hour before the rules are installed. A
   * server that had the rules all along raises both tickets then (1 d: 0.69 % > 0.3 %; 3 d: 0.23 % > 0.1 %).
   * Installed fresh, the windows hold only what the rules recorded since: no ticket. With the SLI's history
   * backfilled by the file SloBackfill writes (promtool tsdb create-blocks-from rules), both tickets fire.
   */
  const start = T0;
  const install = T0 + 10 * DAY;
  const outageEnd = install - H;
  const bad = (t: number) => RPS * Math.max(0, Math.min(t, outageEnd) - (outageEnd - 10 * M));
  const history: RawCounter[] = [
    { labels: { job: 'api', scenario: 'first-install', code: '200' }, value: t => RPS * (t - start) - bad(t) },
    { labels: { job: 'api', scenario: 'first-install', code: '500' }, value: bad },
  ];
  let dir: string;
  let prom: BackfilledPrometheus;
  let groups: RuleGroupDoc[];
  let conditions: Map<string, string>;
  const firing = async (tier: string, at: number) => (await prom.queryStats(conditions.get(tier)!, at)).result.length > 0;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-install-'));
    prom = await BackfilledPrometheus.start(dir, openMetricsCounters('http_requests', history, start, install + 2 * H, SCRAPE));
    groups = ours().groups;
    conditions = ourConditions(groups);
    // The rules run from the install on.
    await prom.importRules('installed', groups, install, install + 2 * H);
  }, 600_000);

  afterAll(async () => {
    await prom?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('installed fresh, the windows are blind to the outage: no ticket', async () => {
    expect(await firing('ticket-fast', install + 10 * M)).toBe(false);
    expect(await firing('ticket-slow', install + 10 * M)).toBe(false);
  });

  test('backfilled with SloBackfill\'s rules, both tickets fire; the pages, whose short windows are past the outage, do not', async () => {
    const chart = testChart('monitoring');
    new SloAlert(chart, 'api', { selectorLabels: TEST_SELECTOR, sli: sli(), objective: Objective.percent(99.9) });
    const files = SloBackfill.synth(chart.node.root as any, { outdir: dir });
    expect(files.files).toHaveLength(1);
    const backfill = YAML.parse(fs.readFileSync(path.join(dir, files.files[0]), 'utf8')).groups as RuleGroupDoc[];
    // From 30 days before (the SLO's window; the history holds 10) up to the end of what was recorded: the
    // backfill skips every 5 minutes the live rules already tiled.
    await prom.importRules('backfill', backfill, install - 30 * DAY, install + 2 * H);
    expect(await firing('ticket-fast', install + 10 * M)).toBe(true);
    expect(await firing('ticket-slow', install + 10 * M)).toBe(true);
    expect(await firing('page-fast', install + 10 * M)).toBe(false);
    expect(await firing('page-slow', install + 10 * M)).toBe(false);
    // The ticket clears once the outage leaves its short window (2 h after it ended), as with a server that
    // had the rules all along.
    expect(await firing('ticket-fast', outageEnd + 2 * H + 5 * M)).toBe(false);
  });

  test('one tile per 5 minutes across the install, and a second backfill (at another evaluation offset) counts nothing twice', async () => {
    const tiles = async () => Promise.all([install - 2 * H, install + 30 * M, install + H, install + 2 * H].map(async at =>
      (await prom.queryStats('count_over_time(slo:sli_events:rate5m_every5m{sli="api-availability",event="total"}[1h])', at)).result.map(r => Number(r.value[1]))));
    expect(await tiles()).toEqual([[12], [12], [12], [12]]);
    const chart = testChart('monitoring');
    new SloAlert(chart, 'api', { selectorLabels: TEST_SELECTOR, sli: sli(), objective: Objective.percent(99.9) });
    const again = SloBackfill.synth(chart.node.root as any, { outdir: path.join(dir, 'again') });
    const backfill = YAML.parse(fs.readFileSync(path.join(again.directory, again.files[0]), 'utf8')).groups as RuleGroupDoc[];
    await prom.importRules('backfill-again', backfill, install - 30 * DAY, install + 2 * H);
    expect(await tiles()).toEqual([[12], [12], [12], [12]]);
    expect(await firing('ticket-slow', install + 10 * M)).toBe(true);
  });
});
