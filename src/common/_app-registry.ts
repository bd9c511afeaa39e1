import { createHash } from 'crypto';
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LabelMatcher } from './_promql';

/**
 * Kinds whose objects have no namespace: two of them collide on their name alone, whatever namespace the
 * chart or the props give them.
 */
const CLUSTER_SCOPED = new Set([
  'APIService', 'CSIDriver', 'CSINode', 'ClusterIssuer', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'IngressClass', 'MutatingWebhookConfiguration', 'Namespace', 'Node', 'PersistentVolume', 'PriorityClass', 'RuntimeClass',
  'StorageClass', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'VolumeAttachment',
]);

/**
 * One recorded series identity claimed by a construct. Kept small: an app of thousands of services holds
 * one per recorded series until it is synthesized.
 */
interface SeriesClaim {
  readonly owner: string;
  /** Label → the values its series can take (undefined: any value); a label not here can take any value. */
  readonly values: ReadonlyArray<readonly [string, ReadonlyArray<string> | undefined]>;
  /**
   * A digest of the expression and static labels: two claims that write the same are one rule written twice,
   * not a conflict.
   */
  readonly definition: string;
}

const registries = new WeakMap<IConstruct, AppRegistry>();

/**
 * What every construct of one app has claimed, so that two constructs can never silently write the same
 * thing: the same Kubernetes object (checked at synth over every ApiObject of the app, the library's and
 * the user's), the same recorded series in one Prometheus, the same dashboard uid, the same scale target.
 * One registry per construct tree, found from any construct in it.
 * @internal
 */
export class AppRegistry {
  /** The registry of the tree `scope` belongs to; the first call adds the synth-time object check to the root. */
  public static of(scope: IConstruct): AppRegistry {
    const root = scope.node.root;
    let r = registries.get(root);
    if (!r) {
      r = new AppRegistry();
      registries.set(root, r);
      root.node.addValidation({ validate: () => duplicateObjects(root) });
    }
    return r;
  }

  private readonly claims = new Map<string, string>();
  private readonly kinds = new Map<string, IConstruct[]>();
  private readonly series = new Map<string, Map<string, ClaimGroup>>();

  private constructor() {}

  /** Notes a construct of a kind that others look up app-wide (the monitoring stacks). */
  public add(kind: string, c: IConstruct): void {
    const list = this.kinds.get(kind) ?? [];
    list.push(c);
    this.kinds.set(kind, list);
  }

  /** The constructs of `kind` noted so far, in creation order. */
  public all(kind: string): IConstruct[] {
    return [...(this.kinds.get(kind) ?? [])];
  }

  /**
   * Claims `key` in `space` for `owner`; throws, naming both owners, when another construct holds it.
   * `why` says what goes wrong when two hold it and what to do.
   */
  public claim(space: string, key: string, owner: IConstruct, why: string): void {
    const k = `${space}\u0000${key}`;
    const held = this.claims.get(k);
    if (held !== undefined && held !== owner.node.path) {
      throw new Error(`${owner.node.path}: ${space} ${JSON.stringify(key)} is already used by ${held}: ${why}`);
    }
    this.claims.set(k, owner.node.path);
  }

  /**
   * Claims the series that a recording rule writes into the Prometheus identified by `prometheus`: its
   * record name and identity. Throws when another construct writes an overlapping series (one whose
   * identity labels can take a common value) with a different definition: two rules would then write one
   * series, and both readers would see a mix of the two.
   */
  public claimSeries(prometheus: string, record: string, identity: ReadonlyArray<LabelMatcher>, staticLabels: { [k: string]: string },
    definition: string, owner: IConstruct): void {
    const values = new Map<string, ReadonlyArray<string> | undefined>();
    for (const m of identity) values.set(m.name, valuesOf(m));
    for (const [k, v] of Object.entries(staticLabels)) values.set(k, [v]);
    const claim: SeriesClaim = { owner: owner.node.path, values: [...values], definition: createHash('sha1').update(definition).digest('base64') };
    // Claims of one record are grouped by the labels they fix, and each group indexed by the values of one
    // such label (the one that tells its claims apart best): a new claim is compared with the few claims
    // that can share a series, never all.
    const fixed = [...values.keys()].filter(l => values.get(l) !== undefined).sort();
    const groups = this.series.get(`${prometheus}\u0000${record}`) ?? new Map<string, ClaimGroup>();
    this.series.set(`${prometheus}\u0000${record}`, groups);
    for (const g of groups.values()) {
      const own = g.label !== undefined ? values.get(g.label) : undefined;
      const candidates = g.label !== undefined && own !== undefined
        ? [...own].flatMap(v => g.byValue.get(v) ?? [])
        : [...g.byValue.values()].flat();
      for (const o of candidates) {
        if (o.owner === claim.owner || o.definition === claim.definition || !overlaps(o, claim)) continue;
        const shared = claim.values.filter(([l]) => o.values.some(([ol]) => ol === l)).map(([l, v]) => `${l}=${describeValues(v)}`).join(', ');
        throw new Error(`${claim.owner}: the recorded series ${record}{${shared}} is also written by ${o.owner} with another expression, `
          + 'into the same Prometheus: the two rules would write one series and each reader would see both. '
          + 'Give the constructs distinct names (serviceName, sloName, the SLI name), or distinct namespaces');
      }
    }
    const signature = fixed.join(',');
    let group = groups.get(signature);
    if (!group) {
      group = { label: fixed[0], labels: fixed, byValue: new Map(), reindexAt: REINDEX_FROM };
      groups.set(signature, group);
    }
    index(group, claim);
    // A label that every claim gives the same value (an SLO's error budget, a shared model name) indexes
    // nothing: once a bucket grows, the group is indexed again by the label with the most distinct values.
    const bucket = group.label !== undefined ? group.byValue.get(values.get(group.label)![0])! : group.byValue.get('')!;
    if (bucket.length >= group.reindexAt && group.labels.length > 1) reindex(group);
  }
}

/** The claims of one record that fix the same labels (`labels`), indexed by the values of one of them. */
interface ClaimGroup {
  label?: string;
  readonly labels: ReadonlyArray<string>;
  byValue: Map<string, SeriesClaim[]>;
  /** The bucket size at which the group is indexed again (doubled each time: amortised linear). */
  reindexAt: number;
}

const REINDEX_FROM = 16;

function valuesIn(claim: SeriesClaim, label: string | undefined): ReadonlyArray<string> {
  return label === undefined ? [''] : claim.values.find(([l]) => l === label)?.[1] ?? [''];
}

function index(group: ClaimGroup, claim: SeriesClaim): void {
  for (const v of valuesIn(claim, group.label)) {
    const list = group.byValue.get(v) ?? [];
    list.push(claim);
    group.byValue.set(v, list);
  }
}

/** Indexes a group by the label whose values tell its claims apart best. */
function reindex(group: ClaimGroup): void {
  const claims = [...new Set([...group.byValue.values()].flat())];
  let best = group.label;
  let most = 0;
  for (const label of group.labels) {
    const distinct = new Set(claims.flatMap(c => valuesIn(c, label))).size;
    if (distinct > most) {
      most = distinct;
      best = label;
    }
  }
  group.reindexAt *= 2;
  if (best === group.label) return;
  group.label = best;
  group.byValue = new Map();
  for (const c of claims) index(group, c);
}

function valuesOf(m: LabelMatcher): ReadonlyArray<string> | undefined {
  if (m.op === '=') return [m.value];
  // A regex of plain alternatives (namespace=~"a|b") takes exactly those values; any other can take any.
  if (m.op === '=~' && /^[A-Za-z0-9_.:/-]+(\|[A-Za-z0-9_.:/-]+)*$/.test(m.value.replace(/\\\./g, '.'))) {
    return [...new Set(m.value.replace(/\\\./g, '.').split('|'))];
  }
  return undefined;
}

function overlaps(a: SeriesClaim, b: SeriesClaim): boolean {
  for (const [label, av] of a.values) {
    const other = b.values.find(([l]) => l === label);
    if (other === undefined) continue;
    const bv = other[1];
    if (av === undefined || bv === undefined) continue;
    if (!av.some(v => bv.includes(v))) return false;
  }
  return true;
}

function describeValues(v: ReadonlyArray<string> | undefined): string {
  return v === undefined ? '*' : v.join('|');
}

/** The synth-time check: no two ApiObjects of the app are the same Kubernetes object. */
function duplicateObjects(root: IConstruct): string[] {
  const seen = new Map<string, string>();
  const errors: string[] = [];
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    const o = c as ApiObject;
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    const ns = CLUSTER_SCOPED.has(o.kind) ? '' : (o.metadata.namespace ?? '');
    const key = `${group}/${o.kind}/${ns}/${o.name}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, o.node.path);
      continue;
    }
    const what = `${o.kind} ${ns ? `${ns}/` : ''}${o.name}${ns || CLUSTER_SCOPED.has(o.kind) ? '' : ' (no namespace)'}`;
    errors.push(`${what} is written by both ${first} and ${o.node.path}: kubectl apply would keep only the last. `
      + 'Give one of them another name (serviceName, sloName, modelName, name) or namespace');
  }
  return errors;
}
