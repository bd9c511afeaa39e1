/*
 * The labels that tell the alerts about the monitoring itself (blind spots, the stack's health, the
 * heartbeat) from the alerts about the services: routing sends them to the platform, not the tenants.
 */

/** The `ml_signal` value of every alert about the monitoring itself. @internal */
export const MONITORING_SIGNAL = 'monitoring';

/** The label set that marks an alert about the monitoring itself. @internal */
export const MONITORING_LABELS: { readonly [k: string]: string } = { ml_signal: MONITORING_SIGNAL };

/** The heartbeat alert that always fires, sent to a dead man's switch. @internal */
export const WATCHDOG_ALERT = 'Watchdog';

/** Where runbooks are, unless a construct is given its own: the README's runbook section. @internal */
export const DEFAULT_RUNBOOK_BASE_URL = 'https://github.com/cdk8s-ml-monitoring/cdk8s-ml-monitoring/blob/main/README.md';
