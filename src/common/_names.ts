import { createHash } from 'crypto';
import { redactedUrl, urlCredential } from './_credentials';
import { NOT_REPEATED, Unrepeated, invalidProp } from './_errors';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const PROM_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const PROM_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const ALERT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** A Kubernetes namespace (a DNS-1123 label). @internal */
export function validateNamespace(where: string, prop: string, value: string): string {
  if (typeof value !== 'string' || value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw invalidProp(where, prop, value,
      'a Kubernetes namespace: at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit (DNS-1123 label)');
  }
  return value;
}

/** Whether `value` is a Kubernetes object name (a DNS-1123 subdomain). @internal */
export function isObjectName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/** Whether `key` may name a key inside a Secret or ConfigMap. @internal */
export function isDataKey(key: unknown): key is string {
  return typeof key === 'string' && key.length <= 253 && SECRET_KEY.test(key);
}

/** A Kubernetes object name (a DNS-1123 subdomain). @internal */
export function validateObjectName(where: string, prop: string, value: string): string {
  if (!isObjectName(value)) {
    throw invalidProp(where, prop, value,
      'a Kubernetes object name: at most 253 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit (DNS-1123 subdomain)');
  }
  return value;
}

/** A Kubernetes label key: `[prefix/]name`. @internal */
export function validateLabelKey(where: string, prop: string, key: string): string {
  const accepted = 'a Kubernetes label key: an optional DNS-1123 subdomain prefix and "/", then at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  if (typeof key !== 'string' || key.length === 0) throw invalidProp(where, prop, key, accepted);
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    throw invalidProp(where, prop, key, accepted);
  }
  if (name.length > 63 || !LABEL_NAME_PART.test(name)) throw invalidProp(where, prop, key, accepted);
  return key;
}

/** A Kubernetes label value. @internal */
export function validateLabelValue(where: string, prop: string, value: string): string {
  if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
    throw invalidProp(where, prop, value,
      'a Kubernetes label value: empty, or at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit');
  }
  return value;
}

/** Kubernetes labels (object metadata or selectors). @internal */
export function validateKubeLabels(where: string, prop: string, labels: { [key: string]: string } | undefined): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const [k, v] of Object.entries(labels ?? {})) {
    validateLabelKey(where, `${prop} key`, k);
    validateLabelValue(where, `${prop}["${k}"]`, v);
    out[k] = v;
  }
  return out;
}

/** Whether `name` has the form of a Prometheus label name (letters, digits and "_", not starting with a digit). @internal */
export function isPromLabelName(name: unknown): name is string {
  return typeof name === 'string' && PROM_LABEL_NAME.test(name);
}

/** A Prometheus label name usable on series we write (no reserved `__` prefix). @internal */
export function validatePromLabelName(where: string, prop: string, name: string): string {
  if (typeof name !== 'string' || !PROM_LABEL_NAME.test(name) || name.startsWith('__')) {
    throw invalidProp(where, prop, name, 'a Prometheus label name: letters, digits and "_", not starting with a digit or "__"');
  }
  return name;
}

/** Prometheus labels on rules: valid names, string values. @internal */
export function validatePromLabels(where: string, prop: string, labels: { [key: string]: string } | undefined): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const [k, v] of Object.entries(labels ?? {})) {
    validatePromLabelName(where, `${prop} key`, k);
    if (typeof v !== 'string') throw invalidProp(where, `${prop}["${k}"]`, v, 'a string');
    out[k] = v;
  }
  return out;
}

/** A Prometheus metric or recording-rule name. @internal */
export function validateMetricName(where: string, prop: string, name: string): string {
  if (typeof name !== 'string' || !PROM_METRIC_NAME.test(name)) {
    throw invalidProp(where, prop, name, 'a Prometheus metric name: letters, digits, "_" and ":", not starting with a digit');
  }
  return name;
}

/** A recording rule name: a metric name that follows the `level:metric:operations` convention. @internal */
export function validateRecordName(where: string, prop: string, name: string): string {
  validateMetricName(where, prop, name);
  if (!name.includes(':')) {
    throw invalidProp(where, prop, name, 'a recording rule name in the level:metric:operations form, e.g. "namespace:http_requests:rate5m" (a name without ":" could collide with a scraped metric)');
  }
  return name;
}

/** An alert name: an identifier, conventionally CamelCase. @internal */
export function validateAlertName(where: string, prop: string, name: string): string {
  if (typeof name !== 'string' || !ALERT_NAME.test(name)) {
    throw invalidProp(where, prop, name, 'an alert name: letters, digits and "_", not starting with a digit, e.g. "ModelLatencyHigh"');
  }
  return name;
}

/** A key inside a Kubernetes Secret or ConfigMap. @internal */
export function validateDataKey(where: string, prop: string, key: string): string {
  if (!isDataKey(key)) {
    throw invalidProp(where, prop, key, 'a Secret key: at most 253 letters, digits, "-", "_" and "."');
  }
  return key;
}

/**
 * An absolute http(s) URL that carries no credential (judged by `urlCredential`). A URL that does not parse
 * or carries a credential is never repeated in the message. `secretForm` says where a credential goes
 * instead, for props that have a SecretKey beside them.
 * @internal
 */
export function validateUrl(where: string, prop: string, value: string, secretForm?: string): string {
  if (typeof value !== 'string') throw invalidProp(where, prop, value === null || typeof value !== 'object' ? value : '(an object)', 'an absolute http:// or https:// URL, as text');
  // Whether a URL is accepted depends on the URL alone: the runbook links of a thousand services are checked once.
  if (VALID_URLS.has(value)) return value;
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(value)) {
    throw invalidProp(where, prop, NOT_REPEATED,
      'a URL without spaces, line breaks or control characters (a value read from a file often ends with a newline: trim it)');
  }
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw invalidProp(where, prop, NOT_REPEATED,
      'an absolute http:// or https:// URL (this one does not parse; a password with "#", "/" or "@" in it breaks a URL, and belongs in a Secret anyway)');
  }
  const credential = urlCredential(value);
  if (credential !== undefined) {
    throw invalidProp(where, prop, new Unrepeated(redactedUrl(value)),
      `a URL that carries no credential, but this one carries ${credential} and would be written into the YAML as it is: `
      + (secretForm ?? 'this prop takes none; serve the endpoint without one, or authenticate another way'));
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname.length === 0) {
    throw invalidProp(where, prop, value, 'an absolute http:// or https:// URL');
  }
  if (VALID_URLS.size > 10_000) VALID_URLS.clear();
  VALID_URLS.add(value);
  return value;
}

const VALID_URLS = new Set<string>();

/**
 * A name of at most `max` characters from a longer one: its first part and a short hash of `hashOf` (the
 * name itself unless the name was derived from longer text), so two long names never become one. @internal
 */
export function shortObjectName(name: string, max: number, hashOf: string = name): string {
  if (name.length <= max) return name;
  const hash = createHash('sha256').update(hashOf).digest('hex').slice(0, 8);
  return `${name.slice(0, max - 9).replace(/-+$/, '')}-${hash}`;
}
