// What the checklist remembers between starts that no other part keeps: where the VPS bundle was saved, the last
// live audit, and the first voice turn that was answered. JETT_HOME/setup.json, never a secret. What the privileged
// setup was made for is not here: that is tunnel/installed-setup.ts's record, which the agent's status reads too.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic-write.js';

const SetupRecordSchema = z.object({
  bundleDir: z.string().nullable().default(null),
  audit: z.object({ at: z.string(), passed: z.boolean(), failed: z.array(z.string()) }).nullable().default(null),
  /** The first voice turn that was answered: once there was one, the voice step stays done. */
  voiceTurn: z.object({ at: z.string(), transcript: z.string() }).nullable().default(null),
});
export type SetupRecord = z.infer<typeof SetupRecordSchema>;

const EMPTY: SetupRecord = { bundleDir: null, audit: null, voiceTurn: null };

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

