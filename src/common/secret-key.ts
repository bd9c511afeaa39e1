import { invalidProp } from './_errors';
import { validateDataKey, validateObjectName } from './_names';

/**
 * A reference to one key of a Kubernetes Secret. This is the only way a credential enters this library:
 * synthesized YAML carries the Secret's name and key, never the value.
 */
export class SecretKey {
  /**
   * Refers to `key` in the Secret `secretName` (in the namespace of the object that uses it).
   * @param secretName the Secret's name (a DNS-1123 subdomain)
   * @param key the key inside the Secret's data
   */
  public static of(secretName: string, key: string): SecretKey {
    validateObjectName('SecretKey.of', 'secretName', secretName);
    validateDataKey('SecretKey.of', 'key', key);
    return new SecretKey(secretName, key);
  }

  /** The Secret's name. */
  public readonly secretName: string;
  /** The key inside the Secret. */
  public readonly key: string;

  private constructor(secretName: string, key: string) {
    this.secretName = secretName;
    this.key = key;
  }

  /** `secretName/key`, for messages. */
  public toString(): string {
    return `${this.secretName}/${this.key}`;
  }
}

/** The Kubernetes `SecretKeySelector` shape. @internal */
export function secretKeySelector(where: string, prop: string, ref: SecretKey): { name: string; key: string } {
  if (!(ref instanceof SecretKey)) {
    // A plain string here is likely the credential itself: never echo it into an error message or a log.
    throw invalidProp(where, prop, typeof ref === 'string' ? '(a plain string)' : ref, 'a SecretKey, e.g. SecretKey.of("slack", "webhook-url"): credentials never go into YAML');
  }
  return { name: ref.secretName, key: ref.key };
}
