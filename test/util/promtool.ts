import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { evaluationOrder } from './group-order';
import { byKind, Doc } from './synth';
import { requireTool } from './tools';

export interface ToolResult {
  readonly ok: boolean;
  /** stdout and stderr together. */
  readonly output: string;
  /** stdout alone. */
  readonly stdout: string;
}

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-'));
}

function run(tool: string, args: string[], cwd: string, timeoutMs = 120_000): ToolResult {
  const r = spawnSync(requireTool(tool), args, { cwd, encoding: 'utf8', timeout: timeoutMs });
  const killed = r.signal ? `\n(${tool} was stopped by ${r.signal} after ${timeoutMs / 1000}s)` : '';
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() + killed, stdout: (r.stdout ?? '').trim() };
}

/**
 * The rule groups of a PrometheusRule object as a Prometheus rule file: the operator writes
 * `spec.groups` verbatim, so this is exactly what the Prometheus server loads.
 */
export function ruleFile(doc: Doc): string {
  return YAML.stringify({ groups: doc.spec.groups });
}

/** `promtool check rules` over one PrometheusRule's groups. */
export function checkRules(doc: Doc): ToolResult {
  const dir = tmpdir();
  try {
    fs.writeFileSync(path.join(dir, 'rules.yaml'), ruleFile(doc));
    return run('promtool', ['check', 'rules', 'rules.yaml'], dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `promtool check rules` on every PrometheusRule; throws with promtool's own words on failure. */
export function checkAllRules(docs: Doc[]): number {
  const rules = byKind(docs, 'PrometheusRule');
  for (const doc of rules) {
    const r = checkRules(doc);
    if (!r.ok) throw new Error(`promtool check rules rejected PrometheusRule ${doc.metadata.name}:\n${r.output}`);
  }
  return rules.length;
}

export interface RulesTestOptions {
  /** Compare alert labels only (see testRules). */
  ignoreAnnotations?: boolean;
  /** How long promtool may run, in ms. */
  timeoutMs?: number;
}

/** One alert expected by a promtool unit test. */
export interface ExpectedAlert {
  exp_labels?: { [k: string]: string };
  exp_annotations?: { [k: string]: string };
}

/** One promtool unit test (the `tests[]` entries of a promtool test file). */
export interface PromtoolTest {
  interval?: string;
  input_series: Array<{ series: string; values: string }>;
  alert_rule_test?: Array<{ eval_time: string; alertname: string; exp_alerts: ExpectedAlert[] }>;
  promql_expr_test?: Array<{ expr: string; eval_time: string; exp_samples: Array<{ labels: string; value: number }> }>;
  name?: string;
}

/**
 * `promtool test rules` with the given rule groups (taken from synthesized output) and unit tests
 * written in the test.
 */
export function testRules(groups: any[] | Doc[], tests: PromtoolTest[], evaluationInterval = '30s', options: RulesTestOptions = {}): ToolResult {
  // One rule file; only when two PrometheusRule objects each have a group of the same name (which one file
  // cannot hold), one file per object, as the operator mounts them.
  const docs = (groups as any[]).filter(g => g && g.kind === 'PrometheusRule');
  const all = (groups as any[]).flatMap(g => (g && g.kind === 'PrometheusRule' ? g.spec.groups : [g]));
  const repeated = new Set(all.map((g: any) => g.name)).size < all.length;
  const files: any[][] = repeated && docs.length === groups.length ? docs.map(d => d.spec.groups) : [all];
  const strip = (gs: any[]) => (options.ignoreAnnotations
    // promtool compares annotations exactly; tests that are about when and on which labels an alert
    // fires drop them (they never affect firing), and annotation texts are asserted by their own tests.
    ? gs.map(g => ({ ...g, rules: g.rules.map((r: any) => { const { annotations, ...rest } = r; return rest; }) }))
    : gs);
  const dir = tmpdir();
  try {
    const names = files.map((gs, i) => {
      const name = i === 0 ? 'rules.yaml' : `rules-${i}.yaml`;
      fs.writeFileSync(path.join(dir, name), YAML.stringify({ groups: strip(gs) }));
      return name;
    });
    // Producers before the groups that read their series at the instant (see group-order.ts); a name
    // repeated across files cannot be ordered, and those proofs do not depend on the order.
    const order = files.length === 1 ? { group_eval_order: evaluationOrder(all) } : {};
    fs.writeFileSync(path.join(dir, 'test.yaml'), YAML.stringify({ rule_files: names, evaluation_interval: evaluationInterval, ...order, tests }));
    return run('promtool', ['test', 'rules', 'test.yaml'], dir, options.timeoutMs);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Asserts that promtool's unit tests pass, showing promtool's report when they do not. */
export function expectRulesTestPass(groups: any[] | Doc[], tests: PromtoolTest[], evaluationInterval = '30s', options: RulesTestOptions = {}): void {
  const r = testRules(groups, tests, evaluationInterval, options);
  if (!r.ok) throw new Error(`promtool test rules failed:\n${r.output}`);
}

/** `amtool check-config` over an alertmanager.yaml text. */
export function checkAlertmanagerConfig(yamlText: string): ToolResult {
  const dir = tmpdir();
  try {
    fs.writeFileSync(path.join(dir, 'alertmanager.yaml'), yamlText);
    return run('amtool', ['check-config', 'alertmanager.yaml'], dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `amtool config routes test`: the receivers an alert with `labels` reaches. */
export function routesTest(yamlText: string, labels: { [k: string]: string }): string[] {
  const dir = tmpdir();
  try {
    fs.writeFileSync(path.join(dir, 'alertmanager.yaml'), yamlText);
    const args = ['config', 'routes', 'test', '--config.file=alertmanager.yaml', ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
    const r = run('amtool', args, dir);
    if (!r.ok) throw new Error(`amtool config routes test failed:\n${r.output}`);
    return r.stdout.split('\n').pop()!.split(',').map(x => x.trim()).filter(Boolean);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `amtool template render` of one template text with amtool's example data: whether Alertmanager parses and runs it. */
export function renderAlertmanagerTemplate(text: string): ToolResult {
  const dir = tmpdir();
  try {
    fs.writeFileSync(path.join(dir, 'none.tmpl'), '');
    return run('amtool', ['template', 'render', '--template.glob=none.tmpl', `--template.text=${text}`], dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
