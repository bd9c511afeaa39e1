import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, ChartProps } from 'cdk8s';
import * as YAML from 'yaml';
import { requireTool } from './tools';
import { RuleTests, RuleTestsResult } from '../../src';

/* Shared by the proofs of the promtool tests RuleTests.synth writes: an app built, synthesized and its tests written. */

/** Builds one chart in a fresh app, synthesizes it and writes its rule tests; `dir` is the rule-tests folder. */
export function generateRuleTests(build: (chart: Chart) => void, chartProps: ChartProps = {}): { dir: string; result: RuleTestsResult } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rule-tests-'));
  const app = new App({ outdir: dir });
  build(new Chart(app, 'app', chartProps));
  app.synth();
  return { dir: path.join(dir, 'rule-tests'), result: RuleTests.synth(app) };
}

/** `promtool test rules <file>` in `dir`, with the engine the proofs run on. */
export function promtoolTestRules(dir: string, file: string, timeoutMs = 300_000): { ok: boolean; output: string } {
  const r = spawnSync(requireTool('promtool'), ['test', 'rules', file], { cwd: dir, encoding: 'utf8', timeout: timeoutMs });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** The test files among the files written. */
export const ruleTestFiles = (r: RuleTestsResult): string[] => r.files.filter(f => f.endsWith('.test.yaml'));

/** A mutation check: which rules to change, how, and which tests of which file to run against them. */
export interface Mutation {
  readonly rulesFile: string;
  readonly testFile: string;
  /** The rules changed (every rule it picks). */
  readonly pick: (rule: any) => boolean;
  readonly change: (rule: any) => void;
  /** The tests run, by name: only those about the changed alert (the others take time and say nothing of it). @default every test */
  readonly keepTest?: (name: string) => boolean;
}

/** Runs a file's tests against its rules with some rules changed after generation; the rules file is restored after. */
export function runMutated(dir: string, m: Mutation): { ok: boolean; output: string } {
  const original = fs.readFileSync(path.join(dir, m.rulesFile), 'utf8');
  const doc = YAML.parse(original);
  doc.groups.flatMap((g: any) => g.rules).filter(m.pick).forEach(m.change);
  fs.writeFileSync(path.join(dir, m.rulesFile), YAML.stringify(doc));
  const tests = YAML.parse(fs.readFileSync(path.join(dir, m.testFile), 'utf8'));
  tests.tests = tests.tests.filter((t: any) => (m.keepTest ?? (() => true))(t.name));
  const only = m.testFile.replace(/\.test\.yaml$/, '.mutated.test.yaml');
  fs.writeFileSync(path.join(dir, only), YAML.stringify(tests));
  try {
    return promtoolTestRules(dir, only);
  } finally {
    fs.writeFileSync(path.join(dir, m.rulesFile), original);
    fs.rmSync(path.join(dir, only), { force: true });
  }
}
