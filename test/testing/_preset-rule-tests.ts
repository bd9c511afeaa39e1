import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { MlInferenceMonitoring } from '../../src';
import { RUNTIME_CASES } from '../ml/_traffic';
import { Fixture } from '../util/exposition';
import { generateRuleTests, promtoolTestRules, ruleTestFiles } from '../util/rule-tests';
import { TEST_SELECTOR } from '../util/synth';

/*
 * The promtool tests the library writes for users (RuleTests.synth), for a share of the runtime presets (the
 * presets are split over two test files so both cores run them): they pass against the generated rules with
 * the real promtool, and their series are the runtime's own (each one is a series of the runtime's fixture,
 * written from its source).
 */

const TARGET_LABELS = new Set(['namespace', 'ml_service', 'pod', 'instance', 'job']);


/** The presets of share `part` (0 or 1) of two. */
export function presetRuleTests(part: 0 | 1): void {
  const names = Object.keys(RUNTIME_CASES).sort().filter((_, i) => i % 2 === part);
  describe.each(names.map(n => [n, RUNTIME_CASES[n as keyof typeof RUNTIME_CASES]] as const))('generated tests for the %s preset', (_name, c) => {
  // With the per-pod and per-handler variants wherever the runtime has their signal.
    const spec = c.runtime._spec;
    const perPod = {
      latencyPerPod: spec.latency ? {} : undefined,
      errorRatioPerPod: spec.errors ? {} : undefined,
      latencyPerHandler: spec.latency && spec.handler?.onLatency ? {} : undefined,
      errorRatioPerHandler: spec.errors && spec.handler ? {} : undefined,
    };
    const { dir, result } = generateRuleTests(chart => new MlInferenceMonitoring(chart, 'model-svc', {
      runtime: c.runtime, namespace: 'tenant-a', selector: { app: 'model' }, selectorLabels: TEST_SELECTOR, alerts: perPod,
    }));
    afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

    test('pass with promtool against the generated rules', () => {
    // The main file, and the traffic-drop tests' (a week of history, evaluated every 10 minutes).
      expect(ruleTestFiles(result)).toEqual(['tenant-a.model-svc-inference.test.yaml', 'tenant-a.model-svc-inference.every-600s.test.yaml']);
      expect(result.cannotFire).toEqual([]);
      for (const f of ruleTestFiles(result)) {
        const r = promtoolTestRules(dir, f);
        if (!r.ok) throw new Error(r.output);
      }
      // Every alert of the preset has a test, except those the file names with a reason.
      const text = fs.readFileSync(path.join(dir, ruleTestFiles(result)[0]), 'utf8');
      const docs = ruleTestFiles(result).map(f => YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
      const tested = new Set<string>(docs.flatMap(doc => doc.tests.flatMap((t: any) => t.alert_rule_test.map((a: any) => a.alertname))));
      const rules = YAML.parse(fs.readFileSync(path.join(dir, ruleTestFiles(result)[0].replace('.test.yaml', '.rules.yaml')), 'utf8'));
      const alerts = new Set<string>(rules.groups.flatMap((g: any) => g.rules).filter((x: any) => x.alert).map((x: any) => x.alert));
      const untested = [...alerts].filter(a => !tested.has(a));
      expect(untested.filter(a => !new RegExp(`^# not tested: ${a}: .+`, 'm').test(text))).toEqual([]);
      expect(tested.size).toBeGreaterThanOrEqual(6);
    });

    test('write only series the runtime exports (its fixture has each, with these labels)', () => {
      const fixtures = [c.fixture, ...(c.olderFixtures ?? [])].map(f => Fixture.load(f));
      const runtimeSeries = new Set<string>();
      for (const f of ruleTestFiles(result)) {
        const doc = YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
        for (const t of doc.tests) for (const s of t.input_series) runtimeSeries.add(s.series);
      }
      const problems: string[] = [];
      for (const text of runtimeSeries) {
        const m = /^([^{]+)(?:\{(.*)\})?$/.exec(text)!;
        const metric = m[1];
        if (['up', 'kube_pod_status_phase', 'kube_pod_status_ready', 'kube_pod_container_status_restarts_total', 'kube_pod_container_resource_limits',
          'kube_pod_container_resource_requests', 'container_cpu_usage_seconds_total', 'container_memory_working_set_bytes'].includes(metric)) continue;
        const labels: { [k: string]: string } = {};
        for (const kv of (m[2] ?? '').match(/\w+="(?:[^"\\]|\\.)*"/g) ?? []) {
          const i = kv.indexOf('=');
          labels[kv.slice(0, i)] = JSON.parse(kv.slice(i + 1));
        }
        const own = Object.fromEntries(Object.entries(labels).filter(([k]) => !TARGET_LABELS.has(k)));
        const le = (v: string) => (v === '+Inf' ? Infinity : Number(v));
        const modelLabel = c.runtime._spec.modelLabel;
        // Same label names and values (bucket bounds compared as numbers); the model's name is the generator's own.
        const found = fixtures.some(fx => fx.series(metric).some(s => Object.keys(own).every(k => k in s.labels
        && (k === 'le' ? le(s.labels[k]) === le(own[k]) : k === modelLabel || s.labels[k] === own[k]))));
        if (!found) problems.push(`${text} has no series of that name and label names in ${c.fixture}`);
      }
      expect(problems).toEqual([]);
    });
  });
}
