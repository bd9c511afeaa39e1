import { Duration } from 'cdk8s';
import { Receiver } from './receiver';
import { SecretKey } from '../common/secret-key';
import { Severity } from '../common/severity';

/**
 * Settings that every receiver of a routing takes unless it sets its own, as Alertmanager's `global`
 * section: the SMTP server and sender once for every email receiver, the Slack webhook once for every Slack
 * receiver. With the AlertmanagerConfig output (which has no global section) they are written into each
 * receiver that leaves them unset.
 */
export interface ReceiverDefaults {
  /**
   * The SMTP server, `host:port`, of email receivers without their own `smarthost`.
   * @default - none: every email receiver sets its own
   */
  readonly smtpSmarthost?: string;
  /**
   * The sender address of email receivers without their own `fromAddress`.
   * @default - none: every email receiver sets its own
   */
  readonly smtpFrom?: string;
  /**
   * The SMTP user name (with `smtpAuthPassword`) of email receivers without their own.
   * @default - no authentication
   */
  readonly smtpAuthUsername?: string;
  /**
   * The SMTP password, from a Secret (with `smtpAuthUsername`).
   * @default - no authentication
   */
  readonly smtpAuthPassword?: SecretKey;
  /**
   * Whether email receivers without their own `requireTls` require STARTTLS.
   * @default true
   */
  readonly smtpRequireTls?: boolean;
  /**
   * The incoming-webhook URL, from a Secret, of Slack receivers without their own `apiUrl`.
   * @default - none: every Slack receiver sets its own
   */
  readonly slackApiUrl?: SecretKey;
}

/** How a matcher compares a label. */
export enum MatchOperator {
  /** Equal. */
  EQUAL = '=',
  /** Not equal. */
  NOT_EQUAL = '!=',
  /** Matches the regular expression (fully anchored). */
  REGEX = '=~',
  /** Does not match the regular expression. */
  NOT_REGEX = '!~',
}

/** A label matcher of a route or an inhibition rule. */
export interface AlertMatcher {
  /** The label name. */
  readonly label: string;
  /** The value or regular expression. */
  readonly value: string;
  /**
   * The comparison.
   * @default MatchOperator.EQUAL
   */
  readonly operator?: MatchOperator;
}

/** A route: alerts matching all its matchers go to its receiver. */
export interface RouteOptions {
  /** The receiver. */
  readonly receiver: Receiver;
  /**
   * Match this severity.
   * @default - any severity
   */
  readonly severity?: Severity;
  /**
   * Match this namespace (tenant).
   * @default - any namespace
   */
  readonly namespace?: string;
  /**
   * Match this alert name.
   * @default - any alert
   */
  readonly alertName?: string;
  /**
   * Further matchers.
   * @default - none
   */
  readonly matchers?: AlertMatcher[];
  /**
   * Match every alert: a catch-all route, with no matcher (usually with `continueMatching`, to copy every
   * alert to an archive or a second team, or last, to send what no route before it took).
   * @default false - the route needs at least one matcher
   */
  readonly matchAll?: boolean;
  /**
   * Keep matching the routes after this one (deliver to several receivers).
   * @default false
   */
  readonly continueMatching?: boolean;
  /**
   * Labels to group by on this route.
   * @default - the tree's grouping
   */
  readonly groupBy?: string[];
  /**
   * How long to wait to batch the first notification of a group.
   * @default - the tree's
   */
  readonly groupWait?: Duration;
  /**
   * How long to wait before notifying about new alerts in a group.
   * @default - the tree's
   */
  readonly groupInterval?: Duration;
  /**
   * How long before re-sending a notification that is still firing.
   * @default - the tree's
   */
  readonly repeatInterval?: Duration;
  /**
   * Time intervals (by name) during which this route does not notify.
   * @default - none
   */
  readonly muteTimeIntervals?: string[];
  /**
   * Time intervals (by name) outside which this route does not notify.
   * @default - always active
   */
  readonly activeTimeIntervals?: string[];
}

/** An inhibition rule: while a source alert fires, matching target alerts with equal labels are muted. */
export interface InhibitRuleOptions {
  /** Matchers of the muting alerts. */
  readonly sourceMatchers: AlertMatcher[];
  /** Matchers of the muted alerts. */
  readonly targetMatchers: AlertMatcher[];
  /**
   * Labels that must be equal on source and target.
   * @default - none (any source mutes every target)
   */
  readonly equal?: string[];
}

/** A span of a day, `HH:MM` to `HH:MM`. */
export interface TimeRange {
  /** Start, e.g. `09:00`. */
  readonly start: string;
  /** End, e.g. `17:30`. */
  readonly end: string;
}

/** A named time interval (working hours, a maintenance window). */
export interface TimeIntervalOptions {
  /** The name routes refer to. */
  readonly name: string;
  /**
   * Weekdays or ranges, e.g. `['monday:friday']`.
   * @default - every day
   */
  readonly weekdays?: string[];
  /**
   * Times of day.
   * @default - the whole day
   */
  readonly times?: TimeRange[];
  /**
   * Days of the month or ranges, e.g. `['1:7']`.
   * @default - every day of the month
   */
  readonly daysOfMonth?: string[];
  /**
   * Months or ranges, e.g. `['december']`.
   * @default - every month
   */
  readonly months?: string[];
  /**
   * The time zone, e.g. `Europe/Berlin`.
   * @default UTC
   */
  readonly location?: string;
}
