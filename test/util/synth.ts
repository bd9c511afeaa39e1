import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';

/** A synthesized Kubernetes document. */
export interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: { [k: string]: string }; [k: string]: unknown };
  [key: string]: any;
}

/** Every document of a chart, as `cdk8s synth` would write it. */
export function synthChart(chart: Chart): Doc[] {
  return Testing.synth(chart) as Doc[];
}

/** Every document of every chart of an app, in chart order. */
export function synthApp(app: App): Doc[] {
  return app.charts.flatMap(c => c.toJson() as Doc[]);
}

/** The YAML text `cdk8s synth` writes for an app (all charts), for byte comparisons. */
export function synthAppYaml(app: App): string {
  return app.charts.map(c => c.toJson().map(d => YAML.stringify(d)).join('---\n')).join('---\n');
}

export function byKind(docs: Doc[], kind: string): Doc[] {
  return docs.filter(d => d.kind === kind);
}

export function oneOfKind(docs: Doc[], kind: string): Doc {
  const found = byKind(docs, kind);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}, found ${found.length}`);
  return found[0];
}

/** A fresh chart on a fresh test app. */
export function testChart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

/** All alerting and recording rules of a set of documents, flattened. */
export function allRules(docs: Doc[]): any[] {
  return byKind(docs, 'PrometheusRule').flatMap(d => (d.spec.groups as any[]).flatMap(g => g.rules));
}

/**
 * Selector labels for tests of one construct without a stack: the documented way to place objects for a
 * Prometheus the app does not describe (without a stack or these, a monitoring construct is an Error).
 */
export const TEST_SELECTOR: { [key: string]: string } = { release: 'test' };
