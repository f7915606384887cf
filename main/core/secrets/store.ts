// The SecretStore interface: the one way any part of Jett reads or writes a secret.
import type { SecretName, SecretStoreKind } from '../contracts/secrets.js';

export interface SecretStore {
  readonly kind: SecretStoreKind;
  /** A human-readable location, for `jett doctor` (never the secret itself). */
  readonly location: string;
  /** Why this store is the one in use, where a choice was made (the keyring answered, or none did). */
  readonly reason?: string;
  get(name: SecretName): Promise<string | null>;
  set(name: SecretName, value: string): Promise<void>;
  delete(name: SecretName): Promise<void>;
  /** Names of the secrets that are set; never their values. */
  list(): Promise<SecretName[]>;
}
