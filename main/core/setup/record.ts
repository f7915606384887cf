// What the checklist remembers between starts that no other part keeps: where the VPS bundle was saved, which keys
// and peer the privileged setup was made for, and the last live audit. JETT_HOME/setup.json, never a secret.
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../contracts/config.js';
import { writeFileAtomic } from '../fs/atomic-write.js';

const SetupRecordSchema = z.object({
  bundleDir: z.string().nullable().default(null),
  /** setupFingerprint() of the tunnel the privileged setup installed. */
  privilegedFor: z.string().nullable().default(null),
  audit: z.object({ at: z.string(), passed: z.boolean(), failed: z.array(z.string()) }).nullable().default(null),
});
export type SetupRecord = z.infer<typeof SetupRecordSchema>;

const EMPTY: SetupRecord = { bundleDir: null, privilegedFor: null, audit: null };

export class SetupRecordStore {
  readonly file: string;
  constructor(home: string) {
    this.file = path.join(home, 'setup.json');
  }

  load(): SetupRecord {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return { ...EMPTY };
    }
    // A damaged record only costs the checklist its memory: the steps are found again from the system.
    try {
      const parsed = SetupRecordSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : { ...EMPTY };
    } catch {
      return { ...EMPTY };
    }
  }

  update(change: Partial<SetupRecord>): SetupRecord {
    const next = { ...this.load(), ...change };
    writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`, 0o600);
    return next;
  }
}

/**
 * Names what the privileged setup installs (interface, addresses, this desktop's public key, the VPS's key and
 * address), as a digest: a later change of any of them means the installed tunnel is not the saved one.
 */
export function setupFingerprint(tunnel: Config['tunnel'], desktopPublicKey: string): string {
  const parts = [tunnel.interface, tunnel.address, tunnel.peerAddress, tunnel.peerPublicKey, tunnel.endpoint, String(tunnel.keepalive), desktopPublicKey];
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
}
