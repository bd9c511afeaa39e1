import { Duration } from 'cdk8s';
import { Severity } from '../common/severity';

/**
 * An alerting rule: a PromQL condition, how long it must hold, and what the notification says.
 */
export interface AlertingRuleOptions {
  /**
   * The alert name, conventionally CamelCase, e.g. `ModelLatencyHigh`.
   */
  readonly alert: string;

  /**
   * The PromQL condition. Every series it returns is one firing alert. Parsed when the rule is added.
   */
  readonly expr: string;

  /**
   * How long the condition must hold before the alert fires (the alert is pending until then):
   * Prometheus' `for`, named so that it reads the same in every jsii language.
   * @default - the alert fires on the first evaluation that returns a result
   */
  readonly pendingFor?: Duration;

  /**
   * How long the alert keeps firing after the condition stops holding (Prometheus `keep_firing_for`).
   * @default - the alert resolves on the first evaluation that returns no result
   */
  readonly keepFiringFor?: Duration;

  /**
   * The severity, written to the `severity` label.
   * @default Severity.WARNING
   */
  readonly severity?: Severity;

  /**
   * One line that says what is wrong. Prometheus templates such as `{{ $labels.namespace }}` and
   * `{{ $value }}` are allowed.
   */
  readonly summary: string;

  /**
   * A longer explanation: impact and first steps.
   * @default - no description annotation
   */
  readonly description?: string;

  /**
   * The URL of the runbook for this alert (`runbook_url` annotation).
   * @default - no runbook_url annotation
   */
  readonly runbookUrl?: string;

  /**
   * Extra labels on the alert. Alertmanager routes on labels.
   * @default - only the severity label
   */
  readonly labels?: { [key: string]: string };

  /**
   * Extra annotations on the alert (besides summary, description and runbook_url).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/**
 * A recording rule: a PromQL expression evaluated on every group evaluation and stored as a new series.
 */
export interface RecordingRuleOptions {
  /**
   * The name of the recorded series, in the `level:metric:operations` form, e.g.
   * `namespace_model:http_requests:rate5m`.
   */
  readonly record: string;

  /**
   * The PromQL expression to record. Parsed when the rule is added.
   */
  readonly expr: string;

  /**
   * Labels added to (or overwritten on) every recorded series.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/**
 * Options of a rule group: rules in a group are evaluated together, in order, at the group's interval.
 */
export interface RuleGroupOptions {
  /**
   * How often the group is evaluated.
   * @default - the Prometheus server's evaluation interval (30s for the Prometheus Operator)
   */
  readonly interval?: Duration;

  /**
   * The most alerts or series one rule of the group may produce; beyond it the rule fails (a guard
   * against a cardinality explosion).
   * @default - no limit
   */
  readonly limit?: number;
}

/**
 * Where the rules of one `PrometheusRules` are evaluated when the targets are split between Prometheus
 * shards. Each rule is judged from its expression (Prometheus' own grammar): a rule that reads one
 * target's series at a time (no aggregation, no join of two vectors, no `absent`, no recorded series of a
 * global rule) is local and goes to an object every shard selects; any other rule is global and goes to
 * an object only the global evaluator (Thanos Ruler, Mimir's ruler) selects, since a shard sees only its
 * part of the targets. A `MonitoringStack` with `prometheus.globalEvaluator` gives its placement to every
 * construct made for it.
 */
export interface RulePlacement {
  /**
   * Labels added to the object of the global rules (named as the object), which the global evaluator
   * selects and the shards do not.
   */
  readonly globalLabels: { [key: string]: string };
  /**
   * Labels added to the object of the local rules (the object's name with `-local`, each group's with
   * `.local`), which every shard selects. The object is written only when there are local rules.
   */
  readonly localLabels: { [key: string]: string };
}
