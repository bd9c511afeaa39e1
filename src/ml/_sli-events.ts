import { InferenceQueries } from './_inference-queries';
import { LabelMatcher } from '../common/_promql';

/**
 * What an SLI counts, as data (what the generated tests write series for): two counters, a histogram's
 * bucket and count, or a monitored service's requests (its runtime's own series). @internal
 */
export type SliEvents =
  | {
    readonly kind: 'counters';
    readonly part: { readonly metric?: string; readonly matchers: LabelMatcher[] };
    readonly total: { readonly metric?: string; readonly matchers: LabelMatcher[] };
    /** The part counts good events (a good ratio), not bad ones. */
    readonly partIsGood: boolean;
  }
  | { readonly kind: 'histogram'; readonly base: string; readonly le: number; readonly matchers: LabelMatcher[] }
  | {
    readonly kind: 'service';
    /** The service's queries, narrowed to the SLI's namespaces. */
    readonly queries: InferenceQueries;
    /** For a latency SLI, the threshold in seconds; an availability SLI counts failed requests. */
    readonly latencySeconds?: number;
  };
