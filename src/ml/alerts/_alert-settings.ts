import { Duration } from 'cdk8s';
import { promDuration, toMillis } from '../../common/_duration';
import { invalidProp } from '../../common/_errors';
import { validateAlertName, validatePromLabels } from '../../common/_names';
import { formatNumber } from '../../common/_number';
import { Ratio } from '../../common/ratio';
import { Severity } from '../../common/severity';
import { RuleGroup } from '../../rules/rule-group';
import { AlertTuning } from '../alert-tuning';

/** An alert's own defaults, before the user's tuning. @internal */
export interface AlertDefaults {
  readonly name: string;
  readonly pendingFor?: Duration;
  readonly severity: Severity;
}

/** An alert's settings with defaults applied and validated: what rules, descriptions and panels read. @internal */
export interface ResolvedAlert {
  readonly enabled: boolean;
  readonly name: string;
  readonly pendingFor?: Duration;
  readonly severity: Severity;
  readonly labels: { [key: string]: string };
}

/** Applies the user's tuning of one alert (at `prop`) to its defaults, validating every field. @internal */
export function resolveAlert(where: string, prop: string, tuning: AlertTuning | undefined, d: AlertDefaults): ResolvedAlert {
  const t = tuning ?? {};
  if (typeof t !== 'object' || t === null) throw invalidProp(where, prop, t, 'an object of alert settings, e.g. { pendingFor: Duration.minutes(5) }');
  if (t.enabled !== undefined && typeof t.enabled !== 'boolean') throw invalidProp(where, `${prop}.enabled`, t.enabled, 'true or false');
  const name = t.alertName !== undefined ? validateAlertName(where, `${prop}.alertName`, t.alertName) : d.name;
  const pendingFor = t.pendingFor ?? d.pendingFor;
  if (t.pendingFor !== undefined) promDuration(t.pendingFor, where, `${prop}.pendingFor`);
  const severity = t.severity ?? d.severity;
  if (!(severity instanceof Severity)) throw invalidProp(where, `${prop}.severity`, severity, 'a Severity, e.g. Severity.CRITICAL');
  const labels = validatePromLabels(where, `${prop}.labels`, t.labels);
  return { enabled: t.enabled ?? true, name, pendingFor, severity, labels };
}

/** A `Ratio` prop as a number, or an Error naming the prop. @internal */
export function ratioValue(where: string, prop: string, r: Ratio): number {
  if (!(r instanceof Ratio)) throw invalidProp(where, prop, r, 'a Ratio, e.g. Ratio.percent(5)');
  return Number(r.toString());
}

/**
 * A `Ratio` prop strictly between 0 and 1 (or from 0 when `zeroOk`): at the ends the alert it sets would
 * fire on every evaluation or never, which `why` explains. @internal
 */
export function ratioBetween(where: string, prop: string, r: Ratio, why: string, zeroOk = false): number {
  const v = ratioValue(where, prop, r);
  if (v >= 1 || (v <= 0 && !zeroOk)) throw invalidProp(where, prop, pct(v), `a ratio ${zeroOk ? 'from 0 %' : 'above 0 %'} and below 100 %: ${why}`);
  return v;
}

/** `5%` for 0.05, for summaries and descriptions. @internal */
export function pct(r: number): string {
  return `${formatNumber(r * 100)}%`;
}

const WORDS: ReadonlyArray<[string, number]> = [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000], ['second', 1_000]];

/** A duration in words: `5 minutes`, `1 hour 30 minutes`, `1 day`. @internal */
export function inWords(d: Duration): string {
  let rest = toMillis(d, 'inWords', 'duration');
  const parts: string[] = [];
  for (const [unit, size] of WORDS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
      rest -= n * size;
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest} ms`);
  return parts.join(' ');
}

/** ` for 5 minutes`, or nothing when the alert has no pending period: for descriptions. @internal */
export function heldFor(a: ResolvedAlert): string {
  return a.pendingFor && toMillis(a.pendingFor, 'heldFor', 'pendingFor') > 0 ? ` for ${inWords(a.pendingFor)}` : '';
}

/** What an alert says and tests. @internal */
export interface AlertText {
  readonly expr: string;
  readonly summary: string;
  readonly description: string;
}

/** Labels, runbook and annotations shared by every alert of a construct. @internal */
export interface AlertCommon {
  /** The construct's own alert labels (the user's `alertLabels`): an alert's tuning may override them. */
  readonly alertLabels: { [key: string]: string };
  /** The identity labels the construct sets (service, model, signal ...): nothing overrides them. */
  readonly identityLabels: { [key: string]: string };
  readonly runbookBaseUrl: string;
  readonly annotations?: { [key: string]: string };
}

/** Emits one resolved alert into `group`, unless disabled; returns its name if emitted. @internal */
export function emitAlert(where: string, prop: string, group: RuleGroup, a: ResolvedAlert, text: AlertText, c: AlertCommon,
  extraLabels: { [key: string]: string } = {}): string | undefined {
  if (!a.enabled) return undefined;
  const reserved = [...Object.keys(c.identityLabels), ...Object.keys(extraLabels), 'severity'];
  for (const r of reserved) {
    if (r in a.labels) throw invalidProp(where, `${prop}.labels`, r, `labels other than ${reserved.join(', ')}, which the alerts set`);
  }
  group.addAlertingRule({
    alert: a.name,
    expr: text.expr,
    pendingFor: a.pendingFor,
    severity: a.severity,
    summary: text.summary,
    description: text.description,
    runbookUrl: `${c.runbookBaseUrl}#${a.name.toLowerCase()}`,
    labels: { ...c.alertLabels, ...a.labels, ...extraLabels, ...c.identityLabels },
    annotations: c.annotations,
  });
  return a.name;
}
