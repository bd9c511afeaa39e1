import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { InferenceRuntime, MlInferenceMonitoring, Objective, Sli, SloAlert } from '../../src';
import { generateRuleTests, promtoolTestRules, ruleTestFiles, runMutated } from '../util/rule-tests';
import { TEST_SELECTOR } from '../util/synth';

/*
 * The promtool tests RuleTests.synth writes for SLO tiers: for SLIs over the user's counters (one counter
 * split by a label, two counters, good events), the user's histogram, and a monitored service's own runtime
 * series, each tier fires by the time its share of the budget is gone in a burn at 1.5× its threshold and
 * stays silent at 0.8×, all tiers' alerts compared at once; and they bite: a tier's threshold or window
 * changed in the rule file after generation fails them.
 */

const testNames = (dir: string, file: string): string[] => YAML.parse(fs.readFileSync(path.join(dir, file), 'utf8')).tests.map((t: any) => t.name);

describe('generated SLO tier tests', () => {
  const { dir, result } = generateRuleTests(chart => {
    new SloAlert(chart, 'api-availability', {
      sli: Sli.errorRatio({ name: 'api-availability', errors: 'http_requests_total{job="api",code=~"5.."}', total: 'http_requests_total{job="api"}' }),
      objective: Objective.percent(99.9),
      selectorLabels: TEST_SELECTOR,
    });
    new SloAlert(chart, 'batch-success', {
      sli: Sli.goodRatio({ name: 'batch-success', good: 'jobs_succeeded_total{queue="q"}', total: 'jobs_total{queue="q"}', aggregateBy: ['namespace'] }),
      objective: Objective.percent(99),
      window: Duration.days(28),
      minEvents: 1000,
      tiers: { ticketSlow: { enabled: false }, pageFast: { pendingFor: Duration.minutes(2) } },
      selectorLabels: TEST_SELECTOR,
    });
    new SloAlert(chart, 'api-latency', {
      sli: Sli.latency({ name: 'api-latency', histogram: 'http_request_duration_seconds', threshold: Duration.millis(500), matchers: { job: 'api' } }),
      objective: Objective.percent(99),
      selectorLabels: TEST_SELECTOR,
    });
    const triton = new MlInferenceMonitoring(chart, 'triton', { runtime: InferenceRuntime.triton(), namespace: 'tenant-a', selector: { app: 'triton' }, selectorLabels: TEST_SELECTOR });
    new SloAlert(chart, 'triton-availability', { sli: triton.availability(), objective: Objective.percent(99.5), selectorLabels: TEST_SELECTOR });
    const vllm = new MlInferenceMonitoring(chart, 'vllm', { runtime: InferenceRuntime.vllm(), namespace: 'tenant-a', selector: { app: 'vllm' }, selectorLabels: TEST_SELECTOR });
    new SloAlert(chart, 'vllm-latency', { sli: vllm.latency(Duration.seconds(1)), objective: Objective.percent(95), selectorLabels: TEST_SELECTOR });
  }, { namespace: 'tenant-a' });
  afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));
  const sloFile = (slo: string) => `tenant-a.slo-${slo}.test.yaml`;

  test.each([
    ['api-availability', 'one counter split by a regex on code', 10],
    ['batch-success', 'good events, a 28-day window, a guard of 1000 events, three tiers, a 2m pending page', 11],
    ['api-latency', 'the user\'s histogram, and its bucket alert', 12],
    ['triton-availability', 'Triton\'s success and failure counters', 11],
    ['vllm-latency', 'vLLM\'s own latency histogram, and its bucket alert', 13],
  ])('%s (%s): every tier tested, and they pass with promtool', (slo, _what, count) => {
    expect(ruleTestFiles(result)).toContain(sloFile(slo));
    // Every tier and the SLI's blind-spot alerts are tested.
    expect(result.notGenerated.filter(n => n.startsWith(sloFile(slo)))).toEqual([]);
    const names = testNames(dir, sloFile(slo));
    expect(names).toHaveLength(count);
    for (const n of names) {
      expect(n).toMatch(/^SloErrorBudgetBurn (page|ticket)-(fast|slow) (fires within .+ of a burn at|stays silent on)|^SloSliBucketMissing (fires|stays silent) when the histogram|^SloEventsStopped (fires|stays silent) /);
    }
    const r = promtoolTestRules(dir, sloFile(slo));
    if (!r.ok) throw new Error(r.output);
  }, 300_000);

  test('the tests state the workbook\'s detection times: at 1.5× its threshold, each tier fires once its share of the budget is gone', () => {
    const names = testNames(dir, sloFile('api-availability'));
    expect(names).toEqual(expect.arrayContaining([
      expect.stringMatching(/page-fast fires within 1 hour of a burn at 1\.5× its threshold \(2\.16% bad events; 2% of the error budget gone after 40 minutes\)/),
      expect.stringMatching(/page-slow fires within .+ \(0\.9% bad events; 5% of the error budget gone after 4 hours\)/),
      expect.stringMatching(/ticket-fast fires within .+ \(0\.45% bad events; 10% of the error budget gone after 16 hours\)/),
      expect.stringMatching(/ticket-slow fires within .+ \(0\.15% bad events; 10% of the error budget gone after 2 days\)/),
    ]));
  });

  /** Runs the tests of one tier against the rules with that tier's rule changed. */
  function mutated(slo: string, tier: string, change: (rule: any) => void): { ok: boolean; output: string } {
    // Only the tier's own tests: the others take minutes and say nothing about this change.
    return runMutated(dir, {
      rulesFile: `tenant-a.slo-${slo}.rules.yaml`,
      testFile: sloFile(slo),
      pick: r => r.alert && r.labels.slo_tier === tier,
      change,
      keepTest: name => name.startsWith(`SloErrorBudgetBurn ${tier} `),
    });
  }
  const scaleThreshold = (factor: number) => (rule: any) => {
    rule.expr = rule.expr.replace(/> (\d+(?:\.\d+)?(?:e-?\d+)?)/g, (_: string, n: string) => `> ${Number(n) * factor}`);
  };

  test.each([
    ['page-fast', 'threshold doubled', scaleThreshold(2)],
    ['page-fast', 'threshold halved', scaleThreshold(0.5)],
    ['page-slow', 'long window halved (6h → 3h)', (r: any) => { r.expr = r.expr.replace(/5h50m/g, '2h50m'); }],
    ['ticket-fast', 'threshold halved', scaleThreshold(0.5)],
    ['ticket-slow', 'threshold doubled', scaleThreshold(2)],
  ])('the %s tier with its %s fails its tests', (tier, _what, change) => {
    const r = mutated('api-availability', tier, change as (rule: any) => void);
    expect(r.ok).toBe(false);
    expect(r.output).toContain('alertname: SloErrorBudgetBurn');
  }, 300_000);

  test.each([
    ['for doubled (5m → 10m)', (r: any) => { r.for = '10m'; }],
    ['condition inverted (unless → and)', (r: any) => { r.expr = r.expr.replace('unless on', 'and on'); }],
  ])('the SLI\'s SloEventsStopped with its %s fails its tests', (_what, change) => {
    const r = runMutated(dir, {
      rulesFile: 'tenant-a.sli-api-availability.rules.yaml',
      testFile: sloFile('api-availability'),
      pick: rule => rule.alert === 'SloEventsStopped',
      change: change as (rule: any) => void,
      keepTest: name => name.startsWith('SloEventsStopped '),
    });
    expect(r.ok).toBe(false);
    expect(r.output).toContain('alertname: SloEventsStopped');
  }, 300_000);
});
