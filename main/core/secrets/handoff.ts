// The tunnel keys handed from the user's side to the privileged install on standard input: root never reads the
// user's keyring (it is not root's, and its D-Bus session is not root's either), so the user's `jett` reads them
// and pipes them to `sudo jett tunnel install --secrets-stdin`, which holds them in memory only.
import { z } from 'zod';
import type { SecretName } from '../contracts/secrets.js';
import { SecretError } from '../errors.js';
import type { SecretStore } from './store.js';

/** What the privileged install needs: the tunnel's keys, nothing else. */
export const HANDOFF_NAMES = ['tunnel.privateKey', 'tunnel.presharedKey'] as const satisfies readonly SecretName[];

const HandoffSchema = z.strictObject({
  'tunnel.privateKey': z.string().min(1).max(256),
  'tunnel.presharedKey': z.string().min(1).max(256).optional(),
});

const FIX = 'run `jett tunnel install --handoff | sudo jett tunnel install --secrets-stdin` as yourself';

export async function renderHandoff(secrets: SecretStore): Promise<string> {
  const out: Partial<Record<SecretName, string>> = {};
  for (const name of HANDOFF_NAMES) {
    const v = await secrets.get(name);
    if (v !== null) out[name] = v;
  }
  if (!out['tunnel.privateKey']) throw new SecretError('this desktop has no WireGuard key yet', 'run `jett keys generate`');
  return `${JSON.stringify(out)}\n`;
}

/** A read-only store over what arrived on stdin; the message never quotes the input (it holds keys). */
export function handoffStore(text: string): SecretStore {
  let parsed: z.infer<typeof HandoffSchema>;
  try {
    parsed = HandoffSchema.parse(JSON.parse(text));
  } catch {
    throw new SecretError('standard input does not hold the tunnel keys that `jett tunnel install --handoff` prints', FIX);
  }
  const values: Partial<Record<SecretName, string>> = parsed;
  return {
    kind: 'file',
    location: 'standard input',
    get: async (name) => values[name] ?? null,
    set: async () => {
      throw new SecretError('the keys on standard input are read-only', FIX);
    },
    delete: async () => {
      throw new SecretError('the keys on standard input are read-only', FIX);
    },
    list: async () => HANDOFF_NAMES.filter((n) => values[n] !== undefined),
  };
}
