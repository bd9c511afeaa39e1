import { NOT_REPEATED, invalidProp } from './_errors';
import { isDataKey, isObjectName } from './_names';

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
    // A credential given here by mistake (the value instead of the Secret's name) must not reach a log.
    if (!isObjectName(secretName)) {
      throw invalidProp('SecretKey.of', 'secretName', NOT_REPEATED,
        'a Secret\'s name: at most 253 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit (DNS-1123 subdomain); the name of the Secret, never the credential itself');
    }
    if (!isDataKey(key)) {
      throw invalidProp('SecretKey.of', 'key', NOT_REPEATED, 'a key inside the Secret: at most 253 letters, digits, "-", "_" and "."');
    }
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
