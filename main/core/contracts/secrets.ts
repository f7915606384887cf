// The names of the secrets Jett keeps outside its config file; nothing else may be stored as a secret.
import { z } from 'zod';

export const SECRET_NAMES = [
  'tunnel.privateKey',
  'tunnel.presharedKey',
  'postgres.password',
  'heartbeat.token',
  'n8n.apiKey',
  'qdrant.apiKey',
] as const;

export const SecretNameSchema = z.enum(SECRET_NAMES, {
  message: `unknown secret name; known names: ${SECRET_NAMES.join(', ')}`,
});
export type SecretName = (typeof SECRET_NAMES)[number];

/** Where secrets live: the OS keyring; a 0600 file only where no keyring answers; safeStorage only as the tray's old store, read to move it. */
export type SecretStoreKind = 'keyring' | 'file' | 'safeStorage';
