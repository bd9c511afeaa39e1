import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import * as YAML from 'yaml';
import { Doc } from './synth';

/*
 * Schema validation of every synthesized document:
 * - prometheus-operator kinds against the openAPIV3Schema of the very CRDs the bindings were imported
 *   from (`validate` in imports/crds.json), made strict: a field the schema does not declare fails, as Kubernetes would
 *   prune it silently;
 * - core Kubernetes kinds with kubernetes-models.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const spec = JSON.parse(fs.readFileSync(path.join(ROOT, 'imports', 'crds.json'), 'utf8'));

function crdFolder(): string {
  const env = process.env.ML_MONITORING_CRDS;
  const folder = env && env !== 'upstream' ? path.resolve(env) : path.resolve(ROOT, spec.defaultSource);
  if (!fs.existsSync(folder)) {
    throw new Error(`the prometheus-operator ${spec.version} CRDs are needed to validate output and were not found at ${folder}. ` +
      `Point ML_MONITORING_CRDS at a folder with the operator's CRD files (example/prometheus-operator-crd in the ${spec.version} release).`);
  }
  return folder;
}

/** Go regexps use `(?i)` for case-insensitive matching; JavaScript wants a flag. */
function goRegExp(pattern: string, flags: string): RegExp {
  if (pattern.includes('(?i)')) return new RegExp(pattern.split('(?i)').join(''), flags.replace('i', '') + 'i');
  return new RegExp(pattern, flags);
}
goRegExp.code = 'new RegExp';

/** Makes every object schema closed unless it says it keeps unknown fields. */
function strict(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'properties' ? mapValues(v as any, strict) : strict(v);
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

function mapValues(o: { [k: string]: any }, f: (v: any) => any): { [k: string]: any } {
  const r: { [k: string]: any } = {};
  for (const [k, v] of Object.entries(o)) r[k] = f(v);
  return r;
}

const validators = new Map<string, ValidateFunction | undefined>();
let ajv: Ajv | undefined;

/**
 * The validator of one kind, compiled the first time a document of that kind is validated (the big
 * schemas, AlertmanagerConfig and Prometheus, take seconds each: most test files never need them).
 * The kinds come from `validate` in imports/crds.json: every kind the library writes.
 */
function validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
  const key = `${apiVersion}/${kind}`;
  if (validators.has(key)) return validators.get(key);
  const entry = (spec.validate as Array<{ kind: string; file: string }>).find(e => e.kind === kind);
  validators.set(key, undefined);
  if (!entry) return undefined;
  ajv ??= new Ajv({ strict: false, logger: false, allErrors: true, code: { regExp: goRegExp as any } });
  const crd = YAML.parse(fs.readFileSync(path.join(crdFolder(), entry.file), 'utf8'));
  for (const version of crd.spec.versions) {
    if (`${crd.spec.group}/${version.name}` !== apiVersion) continue;
    const schema = strict(version.schema.openAPIV3Schema);
    schema.properties.metadata = { type: 'object' };
    schema.required = [...new Set([...(schema.required ?? []), 'apiVersion', 'kind', 'metadata'])];
    validators.set(key, ajv.compile(schema));
  }
  return validators.get(key);
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function metadataErrors(doc: Doc): string[] {
  const errs: string[] = [];
  const m = doc.metadata ?? ({} as any);
  if (typeof m.name !== 'string' || m.name.length > 253 || !DNS1123_SUBDOMAIN.test(m.name)) errs.push(`metadata.name ${JSON.stringify(m.name)} is not a DNS-1123 subdomain`);
  if (m.namespace !== undefined && (m.namespace.length > 63 || !DNS1123_LABEL.test(m.namespace))) errs.push(`metadata.namespace ${JSON.stringify(m.namespace)} is not a DNS-1123 label`);
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    if (typeof v !== 'string' || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) errs.push(`metadata.labels[${k}] value ${JSON.stringify(v)} is invalid`);
  }
  return errs;
}

function coreModel(doc: Doc): any {
  const [group, version] = doc.apiVersion.includes('/') ? doc.apiVersion.split('/') : ['', doc.apiVersion];
  const modulePath = group === 'keda.sh' ? `@kubernetes-models/keda/keda.sh/${version}`
    : group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  let mod: any;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(modulePath);
  } catch {
    return undefined;
  }
  return mod[doc.kind];
}

/** Errors for one document; empty when it is valid. */
export function schemaErrors(doc: Doc): string[] {
  if (!doc || typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string') return ['not a Kubernetes object (apiVersion/kind missing)'];
  const errs = metadataErrors(doc);
  if (doc.apiVersion.startsWith('monitoring.coreos.com/')) {
    const v = validatorFor(doc.apiVersion, doc.kind);
    if (!v) return [...errs, `no CRD schema for ${doc.apiVersion} ${doc.kind}`];
    if (!v(doc)) {
      for (const e of v.errors ?? []) {
        const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as any).additionalProperty})` : '';
        errs.push(`${e.instancePath || '/'} ${e.message}${extra}`);
      }
    }
    return errs;
  }
  const Model = coreModel(doc);
  if (!Model) return [...errs, `no schema known for ${doc.apiVersion} ${doc.kind}`];
  try {
    new Model(doc).validate();
  } catch (e: any) {
    errs.push(String(e?.message ?? e));
  }
  return errs;
}

/** Throws one error listing every invalid document and why. */
export function validateAll(docs: Doc[]): void {
  const problems: string[] = [];
  for (const d of docs) {
    const errs = schemaErrors(d);
    if (errs.length > 0) problems.push(`${d.kind} ${d.metadata?.namespace ?? ''}/${d.metadata?.name}:\n  ${errs.join('\n  ')}`);
  }
  if (problems.length > 0) throw new Error(`schema validation failed:\n${problems.join('\n')}`);
}
