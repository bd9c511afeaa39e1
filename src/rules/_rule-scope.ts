// The package's typings are ESM-only while this library compiles to CommonJS (see _promql.ts): its
// CommonJS build is loaded with require(), typed by the few members used here.
interface SyntaxNode {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly firstChild: SyntaxNode | null;
  readonly nextSibling: SyntaxNode | null;
}
interface PromQLParser { parse(input: string): { readonly topNode: SyntaxNode } }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: PromQLParser };

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
  return isGlobal(parser.parse(expr).topNode, expr, localRecords) ? 'global' : 'local';
}

function children(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** Whether the subtree reads a vector (holds a selector outside scalar()). */
function readsVector(n: SyntaxNode, expr: string): boolean {
  if (n.name === 'VectorSelector') return true;
  if (n.name === 'FunctionCall' && n.firstChild && expr.slice(n.firstChild.from, n.firstChild.to) === 'scalar') return false;
  return children(n).some(c => readsVector(c, expr));
}

function isGlobal(n: SyntaxNode, expr: string, localRecords: ReadonlySet<string>): boolean {
  switch (n.name) {
    case 'AggregateExpr':
      return true;
    case 'FunctionIdentifier':
      return GLOBAL_FUNCTIONS.has(expr.slice(n.from, n.to));
    case 'VectorSelector': {
      const id = n.firstChild?.name === 'Identifier' ? expr.slice(n.firstChild.from, n.firstChild.to) : '';
      return id.includes(':') && !localRecords.has(id);
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
  return children(n).some(c => isGlobal(c, expr, localRecords));
}
