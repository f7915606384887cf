// Whether the sync to the VPS database is set up: its settings (postgres.*) and the secret postgres.password.
// Without them the sync is "not configured" with the next step: nothing connects, nothing backs off, appends wait.
import type { Config } from '../contracts/config.js';
import type { ServiceSetup } from '../contracts/status.js';
import type { SecretStore } from '../secrets/store.js';

export const PASSWORD_NEXT =
  'make the VPS bundle (`jett vps bundle --out FOLDER`: it stores the password here), or store the password it printed with `jett secret set postgres.password`';

export async function syncReadiness(settings: Config['postgres'], secrets: Pick<SecretStore, 'get'>): Promise<ServiceSetup> {
  const unset = (['host', 'database', 'user'] as const).filter((k) => !settings[k]).map((k) => `postgres.${k}`);
  if (unset.length > 0) return { configured: false, reason: `the VPS database settings are missing: ${unset.join(', ')}`, next: `set them with \`jett config set ${unset[0]} VALUE\`` };
  if (!(await secrets.get('postgres.password'))) return { configured: false, reason: 'no database password yet (secret postgres.password)', next: PASSWORD_NEXT };
  return { configured: true, reason: `${settings.user}@${settings.host}:${settings.port}/${settings.database}`, next: null };
}
