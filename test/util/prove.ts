import { checkAllRules } from './promtool';
import { validateAll } from './schema';
import { Doc } from './synth';

/**
 * The standard proof every synthesized output must pass: each document validates against its schema,
 * and every PrometheusRule loads in promtool.
 */
export function proveAll(docs: Doc[]): void {
  validateAll(docs);
  checkAllRules(docs);
}
