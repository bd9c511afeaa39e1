import { Duration } from 'cdk8s';
import { AlertCommon, emitAlert, heldFor, pct, ratioBetween, resolveAlert, ResolvedAlert } from './_alert-settings';
import { promDuration, toMillis } from '../../common/_duration';
import { invalidProp } from '../../common/_errors';
import { validateLabelValue } from '../../common/_names';
import { formatNumber } from '../../common/_number';
import { Ratio } from '../../common/ratio';
import { Severity } from '../../common/severity';
import { RuleGroup } from '../../rules/rule-group';
import { CostOptions } from '../cost-options';
import { CostSignals, Prices } from '../signals/_cost-signals';
import { InferenceSignals } from '../signals/_inference-signals';

/** The average number of hours in a month (8,760 / 12): a month's cost at a cost per hour. */
export const HOURS_PER_MONTH = 730;

/** A service's cost settings, resolved and validated once. @internal */
export interface CostSettings {
  readonly prices: Prices;
  readonly currency: string;
  readonly window: string;
  readonly windowMs: number;
  readonly costPerPrediction: ResolvedAlert & { readonly max?: number };
  readonly budgetBurn: ResolvedAlert & { readonly monthly?: number };
  readonly gpuIdle: ResolvedAlert & { readonly minRatio: number };
}

function price(where: string, prop: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw invalidProp(where, prop, v, 'a price above 0, per hour, in your currency, e.g. 0.04');
  }
  return v;
}

/** Resolves the cost props: prices above 0, thresholds above 0, each alert's tuning. @internal */
export function resolveCostSettings(where: string, o: CostOptions): CostSettings {
  if (o === null || typeof o !== 'object') throw invalidProp(where, 'cost', o, 'unit prices, e.g. { cpuCoreHour: 0.04, memoryGibHour: 0.005 }');
  const w = `${where} cost`;
  const types = o.nodeTypePrices ?? [];
  if (!Array.isArray(types)) throw invalidProp(w, 'nodeTypePrices', types, 'a list of { nodeType, cpuCoreHour, memoryGibHour } entries');
  const prices: Prices = {
    cpuCoreHour: price(w, 'cpuCoreHour', o.cpuCoreHour),
    memoryGibHour: price(w, 'memoryGibHour', o.memoryGibHour),
    gpuHour: o.gpuHour !== undefined ? price(w, 'gpuHour', o.gpuHour) : undefined,
    byNodeType: types.map((t, i) => {
      const at = `nodeTypePrices[${i}]`;
      if (typeof t?.nodeType !== 'string' || t.nodeType === '' || types.findIndex(x => x?.nodeType === t.nodeType) !== i) {
        throw invalidProp(w, `${at}.nodeType`, t?.nodeType, 'a node type listed once, the value of the nodes\' node.kubernetes.io/instance-type label, e.g. "g5.xlarge"');
      }
      validateLabelValue(w, `${at}.nodeType`, t.nodeType);
      return {
        nodeType: t.nodeType,
        cpuCoreHour: price(w, `${at}.cpuCoreHour`, t.cpuCoreHour),
        memoryGibHour: price(w, `${at}.memoryGibHour`, t.memoryGibHour),
        gpuHour: t.gpuHour !== undefined ? price(w, `${at}.gpuHour`, t.gpuHour) : undefined,
      };
    }),
  };
  const currency = o.currency ?? 'USD';
  if (typeof currency !== 'string' || !/^[A-Za-z$€£¥ ]{1,8}$/.test(currency)) throw invalidProp(w, 'currency', currency, 'a currency code or sign, e.g. "USD" or "€"');
  const window = promDuration(o.window ?? Duration.hours(1), w, 'window');
  const a = o.alerts ?? {};
  const tune = (key: keyof NonNullable<CostOptions['alerts']>, name: string, pendingFor: Duration) =>
    resolveAlert(w, `alerts.${key}`, a[key], { name, pendingFor, severity: Severity.WARNING });
  const given = (key: keyof NonNullable<CostOptions['alerts']>, threshold: unknown, prop: string, t: ResolvedAlert) => {
    if (threshold === undefined && a[key] !== undefined) throw invalidProp(w, `alerts.${key}`, '(given)', `${prop} (the alert's threshold), or no alerts.${key}`);
    return { ...t, enabled: t.enabled && threshold !== undefined };
  };
  const max = o.maxCostPer1kPredictions !== undefined ? price(w, 'maxCostPer1kPredictions', o.maxCostPer1kPredictions) : undefined;
  const monthly = o.monthlyBudget !== undefined ? price(w, 'monthlyBudget', o.monthlyBudget) : undefined;
  return {
    prices,
    currency,
    window,
    windowMs: toMillis(o.window ?? Duration.hours(1), w, 'window'),
    costPerPrediction: { ...given('costPerPrediction', max, 'maxCostPer1kPredictions', tune('costPerPrediction', 'ModelCostPerPredictionHigh', Duration.minutes(30))), max },
    budgetBurn: { ...given('budgetBurn', monthly, 'monthlyBudget', tune('budgetBurn', 'ModelCostBudgetBurn', Duration.minutes(15))), monthly },
    gpuIdle: {
      ...tune('gpuIdle', 'ModelGpuIdle', Duration.hours(1)),
      minRatio: ratioBetween(w, 'minGpuUtilization', o.minGpuUtilization ?? Ratio.percent(10),
        'utilisation is never below 0 %, and below 100 % whenever the GPU waits for work'),
    },
  };
}

/** The cost signals recorded and the cost alerts written; returns the alerts' names. @internal */
export function addCostAlerts(where: string, group: RuleGroup, s: InferenceSignals, cost: CostSignals, st: CostSettings,
  common: AlertCommon): string[] {
  const names: string[] = [];
  const emit = (prop: string, a: ResolvedAlert, expr: string, summary: string, description: string) => {
    // ml_signal lets Alertmanager send cost to the people who pay for it (FinOps, the platform team).
    const name = emitAlert(where, `cost.alerts.${prop}`, group, a, { expr, summary, description }, common, { ml_signal: 'cost' });
    if (name) names.push(name);
  };
  const money = (v: number) => `${formatNumber(v)} ${st.currency}`;
  const perHour = cost.costPerHour();
  cost.idleCostPerHour();
  if (st.costPerPrediction.enabled) {
    const a = st.costPerPrediction;
    emit('costPerPrediction', a, `${cost.costPer1k(st.window).select()} > ${formatNumber(a.max!)}`,
      `${s.service} costs more than ${money(a.max!)} per 1,000 predictions in {{ $labels.namespace }}`,
      `1,000 predictions cost {{ $value | printf "%.4f" }} ${st.currency} over the last ${st.window} (threshold ${money(a.max!)})${heldFor(a)}: `
      + 'the pods reserve more than the traffic needs (scale down, or pack them tighter), or the traffic fell.');
  }
  if (st.budgetBurn.enabled) {
    const a = st.budgetBurn;
    const hourly = formatNumber(a.monthly! / HOURS_PER_MONTH);
    emit('budgetBurn', a, `avg_over_time(${perHour.range('1d')}) > ${hourly}\nand\navg_over_time(${perHour.range('1h')}) > ${hourly}`,
      `${s.service} in {{ $labels.namespace }} is on course to exceed its monthly budget of ${money(a.monthly!)}`,
      `The service costs {{ $value | printf "%.3f" }} ${st.currency} an hour over the last day (and more than ${hourly} over the last hour): `
      + `a month at that rate exceeds the budget of ${money(a.monthly!)}${heldFor(a)}.`);
  }
  if (st.gpuIdle.enabled && s.hasGpuUtilization) {
    const a = st.gpuIdle;
    emit('gpuIdle', a, `${s.podGaugeRatio('gpuUtilization')} < ${formatNumber(a.minRatio)}`,
      `A GPU of ${s.service} pod {{ $labels.namespace }}/{{ $labels.pod }} is mostly idle`,
      `GPU utilisation has been below ${pct(a.minRatio)}${heldFor(a) || ' at the last evaluation'} while the GPU is allocated: `
      + 'fewer or smaller GPUs, or more models per GPU, would cost less.');
  }
  return names;
}
