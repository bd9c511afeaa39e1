import * as fs from 'fs';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { evaluationOrder } from './_group-order';
import { inferenceCases } from './_inference-cases';
import { qualityCases } from './_quality-cases';
import { sloCases } from './_slo-cases';
import { GeneratedSuite, seconds } from './_test-case';
import { outFolder } from '../common/_outdir';
import { MlInferenceMonitoring } from '../ml/ml-inference-monitoring';
import { ModelQualityMonitoring } from '../ml/quality/model-quality-monitoring';
import { SloAlert } from '../ml/slo-alert';
import { PrometheusRules } from '../rules/prometheus-rules';

/** Options of `RuleTests.synth`. */
export interface RuleTestsOptions {
  /**
   * The folder the rule files and their promtool tests are written to. It is a folder of its own, beside
   * the manifests: `kubectl apply -f dist/` reads no subfolder, so the test files never reach the cluster.
   * @default `rule-tests` inside the app's output folder
   */
  readonly outdir?: string;
}

/** What `RuleTests.synth` wrote. */
export interface RuleTestsResult {
  /** The files written (rule files and test files), relative to the output folder. */
  readonly files: string[];
  /** The number of promtool test cases written. */
  readonly testCount: number;
  /** Each alert without a generated test, with the reason: `<file>: <alert>: <reason>`. */
  readonly notGenerated: string[];
  /** The alerts that can never fire as configured, with the reason (also written at the top of their test file). */
  readonly cannotFire: string[];
}

/**
 * promtool unit tests for the alerts the app's constructs write, built from each alert's resolved settings
 * (thresholds, `for`, quantiles, windows): for each alert of an `MlInferenceMonitoring`, series shaped like
 * the runtime's own that sit just above the threshold fire once the `for` has passed, and series just below
 * stay silent; for each tier of an `SloAlert`, a burn at 1.5× its threshold fires it by the time its share
 * of the error budget is gone, and a burn at 0.8× never does; for each alert of a `ModelQualityMonitoring`,
 * the drift, drop or stop it is for fires it, on the detector's own series, and the same change just short
 * of its threshold does not. Run them in your CI after `cdk8s synth`:
 *
 *     promtool test rules dist/rule-tests/*.test.yaml
 *
 * They are opt-in (one call after `app.synth()`) because cdk8s writes only manifests; they carry each
 * PrometheusRule's groups as a rule file, so they test exactly what is deployed.
 */
export class RuleTests {
  /**
   * Writes a rule file and a promtool test file per PrometheusRule of the app that holds generated tests (and a
   * second test file, `<name>.every-600s.test.yaml`, for tests with a week of history evaluated every 10 minutes).
   * @param app the synthesized app
   */
  public static synth(app: App, options: RuleTestsOptions = {}): RuleTestsResult {
    const outdir = outFolder('RuleTests', app, options.outdir, 'rule-tests', 'alerts to test');
    const files: string[] = [];
    const notGenerated: string[] = [];
    const cannotFire: string[] = [];
    let testCount = 0;
    const written = new Set<string>();
    for (const c of app.node.findAll()) {
      const suite = suiteOf(c);
      if (!suite) continue;
      const { json, result } = suite;
      const fileOf = (j: any) => `${j.metadata.namespace ?? 'default'}.${j.metadata.name}`;
      const base = fileOf(json);
      // The rules the test loads: the PrometheusRule of the alerts, and those recording what they read.
      const allGroups: any[] = [];
      const ruleFiles: string[] = [];
      for (const j of [...suite.reads, json]) {
        // promtool compares an alert's annotations exactly; they never decide whether it fires, and they hold
        // the alert's value: the rule file carries everything else of the deployed rules, verbatim.
        const groups = (j.spec.groups as any[]).map(g => ({ ...g, rules: g.rules.map(({ annotations, ...rule }: any) => rule) }));
        allGroups.push(...groups);
        const file = `${fileOf(j)}.rules.yaml`;
        ruleFiles.push(file);
        if (written.has(file)) continue;
        written.add(file);
        fs.writeFileSync(path.join(outdir, file), Yaml.stringify({ groups }));
        files.push(file);
      }
      const suiteInterval = result.evaluationIntervalMs ?? 30_000;
      const intervals = [...new Set([suiteInterval, ...result.cases.map(t => t.evaluationIntervalMs ?? suiteInterval)])];
      for (const interval of intervals) {
        // promtool has one evaluation interval per file: tests at another one (days of history) get a file of their own.
        const file = interval === suiteInterval ? `${base}.test.yaml` : `${base}.every-${seconds(interval)}.test.yaml`;
        const cases = result.cases.filter(t => (t.evaluationIntervalMs ?? suiteInterval) === interval);
        const header = [
          `# promtool tests of the alerts in PrometheusRule ${json.metadata.namespace ?? 'default'}/${json.metadata.name}, generated by cdk8s-ml-monitoring`,
          `# from ${c.node.path}. Run: promtool test rules ${file}`,
          '# The rule files are the PrometheusRules\' groups without annotations (promtool compares those exactly).',
          ...(interval === suiteInterval ? result.notGenerated.map(n => `# ${n.cannotFire ? 'CANNOT FIRE' : 'not tested'}: ${n.alert}: ${n.reason}`) : []),
        ].join('\n');
        const tests = cases.map(t => ({
          name: t.name,
          interval: seconds(t.intervalMs ?? 60_000),
          input_series: t.inputSeries.map(x => ({ series: x.series, values: x.values })),
          alert_rule_test: t.expect.map(e => ({ eval_time: e.evalTime, alertname: e.alertname, exp_alerts: e.alerts.map(l => ({ exp_labels: l })) })),
        }));
        const body = {
          rule_files: ruleFiles,
          evaluation_interval: seconds(interval),
          // promtool evaluates groups in an order of its own unless told: producers before their readers.
          group_eval_order: evaluationOrder(allGroups),
          tests,
        };
        fs.writeFileSync(path.join(outdir, file), `${header}\n${Yaml.stringify(body)}`);
        files.push(file);
        testCount += tests.length;
      }
      for (const n of result.notGenerated) {
        (n.cannotFire ? cannotFire : notGenerated).push(`${base}.test.yaml: ${n.alert}: ${n.reason}`);
      }
    }
    return { files, testCount, notGenerated, cannotFire };
  }
}

/**
 * The generated suite of a construct that writes alerts, with its PrometheusRule as synthesized and the
 * PrometheusRules that record the series it reads.
 */
function suiteOf(c: IConstruct): { json: any; reads: any[]; result: GeneratedSuite } | undefined {
  if (c instanceof MlInferenceMonitoring) {
    const json = c.rules.resource.toJson();
    const local = localOf(c.rules);
    const rules = rulesOf(json, ...local);
    const src = c._testSource((alert, labels = {}) => only(rules.filter(r => r.alert === alert && having(r, labels))));
    return { json, reads: local, result: inferenceCases(src) };
  }
  if (c instanceof ModelQualityMonitoring) {
    const json = c.rules.resource.toJson();
    const local = localOf(c.rules);
    const rules = rulesOf(json, ...local);
    const src = c._testSource((alert, labels) => only(rules.filter(r => r.alert === alert && having(r, labels))));
    return { json, reads: local, result: qualityCases(src) };
  }
  if (c instanceof SloAlert) {
    const json = c.rules.resource.toJson();
    const local = [...localOf(c.rules), ...localOf(c.sliRules)];
    const rules = rulesOf(json, ...local);
    const sli = c.sliRules.resource.toJson();
    const sliRules = rulesOf(sli, ...localOf(c.sliRules));
    const src = c._testSource((alert: string, tier: string) => only(rules.filter(r => r.alert === alert && r.labels?.slo_tier === tier)),
      (alert: string) => only(sliRules.filter(r => r.alert === alert)));
    const result = sloCases(src);
    // Any other alert of the SLI's rules (loaded with its recording rules) that the generator wrote no test for is named.
    const covered = new Set([...result.cases.flatMap(t => t.expect.map(e => e.alertname)), ...result.notGenerated.map(n => n.alert)]);
    const blindSpots = [...new Set(sliRules.filter(r => r.alert && !covered.has(r.alert)).map(r => r.alert as string))].map(alert => ({
      alert, reason: `an alert of the SLI's rules (${sli.metadata.name}) the generator has no test for`, cannotFire: false,
    }));
    return { json, reads: [sli, ...local], result: { ...result, notGenerated: [...result.notGenerated, ...blindSpots] } };
  }
  return undefined;
}

/** Whether a rule's static labels include `labels`. */
function having(rule: any, labels: { [k: string]: string }): boolean {
  return Object.entries(labels).every(([k, v]) => rule.labels?.[k] === v);
}

function rulesOf(...jsons: any[]): any[] {
  return jsons.flatMap(json => (json.spec.groups as any[]).flatMap(g => g.rules as any[]));
}

/**
 * The PrometheusRule of the local rules, when a stack's placement split the construct's rules between its
 * shards and its global evaluator: promtool loads both, as one Prometheus over every target would.
 */
function localOf(rules: PrometheusRules): any[] {
  return rules.localResource ? [rules.localResource.toJson()] : [];
}

/** The static labels of the one rule found; undefined when none or several are. */
function only(found: any[]): { [k: string]: string } | undefined {
  return found.length === 1 ? { ...(found[0].labels ?? {}) } : undefined;
}
