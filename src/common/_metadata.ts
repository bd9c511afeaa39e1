import { ApiObjectMetadata } from 'cdk8s';

/**
 * Object metadata without undefined keys: cdk8s generates a name only when `name` is absent, and an
 * explicit `name: undefined` would leave the object nameless.
 * @internal
 */
export interface MetadataParts {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: { [k: string]: string };
  readonly annotations?: { [k: string]: string };
}

/** @internal */
export function metadata(m: MetadataParts): ApiObjectMetadata {
  const out: { [k: string]: unknown } = {};
  if (m.name !== undefined) out.name = m.name;
  if (m.namespace !== undefined) out.namespace = m.namespace;
  if (m.labels !== undefined && Object.keys(m.labels).length > 0) out.labels = m.labels;
  if (m.annotations !== undefined && Object.keys(m.annotations).length > 0) out.annotations = m.annotations;
  return out as ApiObjectMetadata;
}
