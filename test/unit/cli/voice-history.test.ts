// `jett voice history` on a real jett.db, with no agent running (the command then works on the database itself):
// the --json shape, search, the readable listing, and `history delete` by id and --all, which redact the outbox rows
// in place and queue the tombstone exactly as the window's deletion does; bad input refused with the next step.
// With an agent running, the same commands are answered by it (its bus announces the deletion).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../main/core/agent.js';
import { ConfigSchema } from '../../../main/core/contracts/config.js';
import type { RedactionResult } from '../../../main/core/contracts/redaction.js';
import { openRuntime } from '../../../main/core/runtime.js';
import { REDACT_KIND } from '../../../main/core/contracts/redaction.js';
import { VoiceHistorySchema } from '../../../main/core/contracts/voice-history.js';
import { openLocalDb } from '../../../main/core/db/local-db.js';
import { Outbox } from '../../../main/core/outbox/store.js';
import { VoiceStore } from '../../../main/core/voice/store.js';
import { jett } from '../../helpers/cli.js';
import { voiceTurn } from '../../helpers/event-samples.js';
import { tempDir } from '../../helpers/tmp.js';

function seeded(): string {
  const home = tempDir('jett-cli-history-');
  const local = openLocalDb(path.join(home, 'jett.db'));
  try {
    const outbox = new Outbox(local);
    const store = new VoiceStore(local.db);
    for (const [n, transcript, reply] of [[1, 'what is the weather', 'Sunny.'], [2, 'my PIN is 2468', 'Noted.'], [3, 'set a timer', 'Done.']] as const) {
      const record = { ...voiceTurn(`turn-${n}`, 400 + n), transcript, reply, at: `2026-11-29T10:0${n}:00.000Z` };
      store.save(record);
      outbox.append('voice.turn', record);
    }
  } finally {
    local.close();
  }
  return home;
}

function outboxOf(home: string) {
  const local = openLocalDb(path.join(home, 'jett.db'));
  try {
    return local.db.prepare('SELECT seq, kind, payload FROM outbox ORDER BY seq').all() as { seq: number; kind: string; payload: string }[];
  } finally {
    local.close();
  }
}

describe('jett voice history', () => {
  it('--json prints the turns newest first as records; --search and --limit narrow them', async () => {
    const home = seeded();
    const all = await jett(['voice', 'history', '--json'], { home });
    expect(all.code).toBe(0);
    const turns = VoiceHistorySchema.parse(JSON.parse(all.stdout));
    expect(turns.map((t) => t.id)).toEqual(['turn-3', 'turn-2', 'turn-1']);
    expect(turns[0]!.latencies.speech_end_to_audio_ms).toBe(403);
    const found = await jett(['voice', 'history', '--search', 'WEATHER', '--json'], { home });
    expect(JSON.parse(found.stdout).map((t: { id: string }) => t.id)).toEqual(['turn-1']);
    const one = await jett(['voice', 'history', '--limit', '1', '--json'], { home });
    expect(JSON.parse(one.stdout).map((t: { id: string }) => t.id)).toEqual(['turn-3']);
  });

  it('prints a readable listing, and says when nothing matches', async () => {
    const home = seeded();
    const r = await jett(['voice', 'history', '--limit', '1'], { home });
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['2026-11-29T10:03:00.000Z  answered  403 ms to first audio  id turn-3', '  you:  set a timer', '  jett: Done.']);
    expect((await jett(['voice', 'history', '--search', 'zebra'], { home })).stdout).toBe('no turn mentions "zebra"\n');
  });

  it('delete ID redacts that turn\'s outbox row in place and queues a tombstone; --all the rest', async () => {
    const home = seeded();
    const one = await jett(['voice', 'history', 'delete', 'turn-2', '--json'], { home });
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ kind: 'voice.turn', ids: ['turn-2'], outboxRows: 1, localRows: 1, tombstones: [4] });
    let rows = outboxOf(home);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(JSON.stringify(rows)).not.toContain('2468');
    expect(rows[3]!.kind).toBe(REDACT_KIND);
    expect(JSON.parse((await jett(['voice', 'history', '--json'], { home })).stdout).map((t: { id: string }) => t.id)).toEqual(['turn-3', 'turn-1']);

    const all = await jett(['voice', 'history', 'delete', '--all'], { home });
    expect(all.stdout).toBe('deleted 2 turn(s) here; 2 outbox row(s) redacted; the VPS deletes its copy at the next sync\n');
    rows = outboxOf(home);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows.filter((r) => r.kind === 'voice.turn').every((r) => JSON.parse(r.payload).redacted === true)).toBe(true);
    expect((await jett(['voice', 'history'], { home })).stdout).toBe('no voice turns yet\n');
  });

  it('refuses a delete with neither ids nor --all, or both, and a bad --limit, changing nothing', async () => {
    const home = seeded();
    for (const args of [['voice', 'history', 'delete'], ['voice', 'history', 'delete', 'turn-1', '--all'], ['voice', 'history', '--limit', '0']]) {
      const r = await jett(args, { home });
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(/jett voice history/);
    }
    expect(outboxOf(home)).toHaveLength(3);
  });
});

describe.runIf(process.platform !== 'win32')('jett voice history with an agent running', () => {
  const home = seeded();
  let agent: Agent;
  const announced: RedactionResult[] = [];

  beforeAll(async () => {
    agent = new Agent({ runtime: openRuntime({ env: { JETT_HOME: home } }), config: ConfigSchema.parse({ tunnel: { autoConnect: false } }), voice: null });
    await agent.start();
    agent.bus.on('events.redacted', (r) => announced.push(r));
  });
  afterAll(() => agent.stop());

  it('lists and deletes through the agent, whose outbox gets the tombstone', async () => {
    expect(JSON.parse((await jett(['voice', 'history', '--search', 'timer', '--json'], { home })).stdout).map((t: { id: string }) => t.id)).toEqual(['turn-3']);
    const r = await jett(['voice', 'history', 'delete', 'turn-3', '--json'], { home });
    expect(r.code).toBe(0);
    expect(announced).toEqual([JSON.parse(r.stdout)]);
    expect(announced[0]).toMatchObject({ ids: ['turn-3'], outboxRows: 1, localRows: 1, tombstones: [4] });
    expect(agent.status().outbox.pending).toBe(4);
    expect(agent.voiceHistory().map((t) => t.id)).toEqual(['turn-2', 'turn-1']);
  });
});
