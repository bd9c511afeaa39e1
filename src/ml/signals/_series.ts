import { LabelMatcher, selector } from '../../common/_promql';

/**
 * A recorded series, as handed out by a signal catalog: its record name and the identity it was recorded
 * with. Reading it through `select()` always applies that identity (service, namespace, SLI, model ...),
 * so no reader can see another tenant's series of the same name.
 * @internal
 */
export class Series {
  constructor(
    /** The recorded series' name, e.g. `ml_service:requests:rate5m`. */
    public readonly record: string,
    /** The matchers that identify this signal's series among every series of that name. */
    public readonly identity: ReadonlyArray<LabelMatcher>,
    /** The labels the series is aggregated by (what one series of it stands for). */
    public readonly labels: ReadonlyArray<string>,
    /** The raw metric families the recording reads (directly or through other recorded series). */
    public readonly families: ReadonlyArray<string>,
  ) {}

  /** A selector of this signal's series, narrowed further by `extra` (e.g. a Grafana variable). */
  public select(extra: ReadonlyArray<LabelMatcher> = []): string {
    return selector(this.record, narrowed(this.identity, extra));
  }

  /** The selector with a range, e.g. for `sum_over_time(...)`. */
  public range(window: string, extra: ReadonlyArray<LabelMatcher> = []): string {
    return `${this.select(extra)}[${window}]`;
  }
}

/**
 * The identity narrowed by `extra`. An equality matcher on an identity label replaces the identity's
 * matcher only where it selects a subset of it (one namespace of the service's namespaces); anything else
 * (a Grafana variable, another label) is added, so the identity is never loosened.
 */
function narrowed(identity: ReadonlyArray<LabelMatcher>, extra: ReadonlyArray<LabelMatcher>): LabelMatcher[] {
  const out = [...identity];
  for (const m of extra) {
    const i = out.findIndex(x => x.name === m.name);
    const within = i >= 0 && m.op === '=' && (
      (out[i].op === '=' && out[i].value === m.value) || (out[i].op === '=~' && out[i].value.split('|').includes(m.value)));
    if (within) out[i] = m;
    else out.push(m);
  }
  return out;
}
