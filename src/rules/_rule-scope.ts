import { PromQLNode, promqlShape, promqlTree } from '../common/_promql';

/**
 * Where a rule can be evaluated when the targets are split between Prometheus shards.
 * - `local`: it reads the series of one target at a time and keeps them apart (no aggregation, no join
 *   of two vectors, no absent), so every shard computes it right for the targets it scrapes, and no two
 *   shards write the same series;
 * - `global`: it aggregates or joins series that may come from several targets (a service's ratio over
 *   its pods, a pod's series joined with kube-state-metrics', absent(), a recorded series written by a
 *   global rule), so only an evaluator that sees every shard's series computes it right.
 * @internal
 */
export type RuleScope = 'local' | 'global';

/** Functions whose result is not one target's own series: on a shard, wrong or written by every shard. */
const GLOBAL_FUNCTIONS = new Set(['absent', 'absent_over_time', 'scalar', 'vector', 'count_values']);

/**
 * The scope of a rule expression (parsed with Prometheus' own grammar). `localRecords` are the recorded
 * series known to be written by local rules: any other recorded series (a name with a colon, the
 * recording-rule convention) is taken as global, since it may be an aggregate.
 * @internal
 */
export function ruleScope(expr: string, localRecords: ReadonlySet<string>): RuleScope {
  // The scope never depends on string literals: judged once per shape (the same rule of a thousand services
  // parses once), keeping the recorded series read, whose scope depends on the object's local records.
  const shape = promqlShape(expr);
  let found = SHAPES.get(shape);
  if (found === undefined) {
    const records = new Set<string>();
    const structural = isGlobal(promqlTree(shape), shape, records);
    found = { structural, records: [...records] };
    if (SHAPES.size > 50_000) SHAPES.clear();
    SHAPES.set(shape, found);
  }
  return found.structural || found.records.some(r => !localRecords.has(r)) ? 'global' : 'local';
}

/** Per expression shape: whether its structure is global, and the recorded series it reads. */
const SHAPES = new Map<string, { readonly structural: boolean; readonly records: ReadonlyArray<string> }>();

function children(n: PromQLNode): PromQLNode[] {
  const out: PromQLNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** Whether the subtree reads a vector (holds a selector outside scalar()). */
function readsVector(n: PromQLNode, expr: string): boolean {
  if (n.name === 'VectorSelector') return true;
  if (n.name === 'FunctionCall' && n.firstChild && expr.slice(n.firstChild.from, n.firstChild.to) === 'scalar') return false;
  return children(n).some(c => readsVector(c, expr));
}

/** Whether the structure is global; the recorded series read are added to `records`. */
function isGlobal(n: PromQLNode, expr: string, records: Set<string>): boolean {
  switch (n.name) {
    case 'AggregateExpr':
      return true;
    case 'FunctionIdentifier':
      return GLOBAL_FUNCTIONS.has(expr.slice(n.from, n.to));
    case 'VectorSelector': {
      const id = n.firstChild?.name === 'Identifier' ? expr.slice(n.firstChild.from, n.firstChild.to) : '';
      if (id.includes(':')) records.add(id);
      break;
    }
    case 'BinaryExpr': {
      // Two operands that read vectors: a join of series that may come from different targets.
      const operands = children(n).filter(c => readsVector(c, expr));
      if (operands.length >= 2) return true;
      break;
    }
    default:
      break;
  }
  // Every child is walked (not `some`): the recorded series read must all be found.
  let global = false;
  for (const c of children(n)) if (isGlobal(c, expr, records)) global = true;
  return global;
}
