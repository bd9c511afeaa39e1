import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, ChartProps } from 'cdk8s';
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
