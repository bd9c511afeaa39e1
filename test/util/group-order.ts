/*
 * The order in which promtool evaluates rule groups at each step.
 *
 * promtool evaluates every group at every step of a test, in an order of its own unless the test file
 * gives `group_eval_order` (cmd/promtool/unittest.go, orderedGroups: a Go map sorted by an empty order).
 * With a coarse test interval that order decides results: Prometheus 3 looks back over (t-5m, t], so a
 * group that reads another group's series at the instant t, both evaluated every 5 m, sees it only if
 * the other group ran first at t. A running Prometheus has no such race, because the groups read
 * series recorded every 30 s (the tiles read `slo:sli_requests:rate5m`), always within the lookback.
 * Proofs therefore evaluate producers before the groups that read their series at the instant, which
 * is the steady state of a running server, and are deterministic.
 */
import { readsOf } from './promql-reads';

interface Group { readonly name: string; readonly rules: ReadonlyArray<{ record?: string; alert?: string; expr: string }> }

/**
 * The groups' names with every group that records a series placed before the groups that read it at
 * the instant; otherwise (and to break a cycle) in the order given.
 */
export function evaluationOrder(groups: ReadonlyArray<Group>): string[] {
  const recordedBy = new Map<string, number>();
  groups.forEach((g, i) => g.rules.forEach(r => { if (r.record) recordedBy.set(r.record, i); }));
  const producers = groups.map((g, i) => {
    const ps = new Set<number>();
    for (const r of g.rules) {
      for (const read of readsOf(r.expr).reads.filter(x => x.instant)) {
        const p = recordedBy.get(read.metric);
        if (p !== undefined && p !== i) ps.add(p);
      }
    }
    return ps;
  });
  const done = new Set<number>();
  const order: string[] = [];
  while (order.length < groups.length) {
    const remaining = groups.map((_, i) => i).filter(i => !done.has(i));
    const next = remaining.find(i => [...producers[i]].every(p => done.has(p))) ?? remaining[0];
    done.add(next);
    order.push(groups[next].name);
  }
  return order;
}
