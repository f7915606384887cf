// `jett voice wake --input FILE [--json]`: the detections in a file, their time and score, for tuning a threshold;
// `jett voice listen` keeps a false wake in jett.db as the agent does.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { jettPaths } from '../../../main/core/config/paths.js';
import { WakeFileReportSchema } from '../../../main/core/contracts/wake.js';
import { openLocalDb } from '../../../main/core/db/local-db.js';
import { PHRASE_END_LAG_SAMPLES } from '../../../main/core/voice/wake/detector.js';
import { concat, fakeMicrophone, ms, writeWav } from '../../helpers/audio.js';
import { jett } from '../../helpers/cli.js';
import { binary, describeWith } from '../../helpers/requirements.js';
import { tempDir } from '../../helpers/tmp.js';
import { PAD_SAMPLES, padded, speakDithered } from '../../helpers/wake-audio.js';

describeWith([binary('espeak-ng'), binary('sox')], 'jett voice wake', () => {
  let home: string;
  let positive: string;
  let negative: string;
  let phraseEnd: number;
  beforeAll(async () => {
    home = tempDir('jett-cli-wake-');
    const speech = await speakDithered('hey jarvis', 'en-gb', 150);
    phraseEnd = PAD_SAMPLES + speech.length;
    positive = path.join(home, 'hey-jarvis.wav');
    writeWav(positive, padded(speech));
    negative = path.join(home, 'travis.wav');
    writeWav(negative, padded(await speakDithered('hey travis, jar of jam', 'en-us', 150)));
  });

  it('--json reports one detection with its time, score and estimated end of the phrase', async () => {
    const res = await jett(['voice', 'wake', '--input', positive, '--json'], { home });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const report = WakeFileReportSchema.parse(JSON.parse(res.stdout.trim()));
    expect(report).toMatchObject({ file: positive, word: 'hey_jarvis', threshold: 0.5 });
    expect(report.detections).toHaveLength(1);
    const d = report.detections[0]!;
    expect(d.score).toBeGreaterThanOrEqual(0.5);
    expect(d.time_s).toBeGreaterThan(PAD_SAMPLES / 16_000);
    expect(d.time_s).toBeLessThanOrEqual((phraseEnd + 8000) / 16_000);
    expect(d.phrase_end_s).toBeCloseTo(d.time_s - PHRASE_END_LAG_SAMPLES / 16_000, 3);
    expect(report.max_score).toBeGreaterThanOrEqual(d.score);
    expect(report.duration_s).toBeCloseTo((phraseEnd + PAD_SAMPLES) / 16_000, 3);
  });

  it('prints no detection for near misses, with the highest score to tune against; another head and threshold on request', async () => {
    const res = await jett(['voice', 'wake', '--input', negative], { home });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/hey_jarvis at threshold 0\.5, highest score 0\.\d+/);
    expect(res.stdout).toContain('no detection');
    const other = await jett(['voice', 'wake', '--input', positive, '--word', 'alexa', '--threshold', '0.9', '--json'], { home });
    expect(other.code).toBe(0);
    expect(WakeFileReportSchema.parse(JSON.parse(other.stdout.trim()))).toMatchObject({ word: 'alexa', threshold: 0.9, detections: [] });
  });

  it('refuses an unknown word, a threshold out of range, and a missing file, each with a fix', async () => {
    const word = await jett(['voice', 'wake', '--input', positive, '--word', 'hey_siri'], { home });
    expect(word.code).not.toBe(0);
    expect(word.stderr).toMatch(/unknown wake word "hey_siri"[\s\S]*fix: choose one of hey_jarvis, hey_mycroft, alexa, hey_rhasspy/);
    const threshold = await jett(['voice', 'wake', '--input', positive, '--threshold', '1.5'], { home });
    expect(threshold.code).not.toBe(0);
    expect(threshold.stderr).toMatch(/--threshold must be a number between 0 and 1, not "1.5"[\s\S]*fix:/);
    const missing = await jett(['voice', 'wake', '--input', path.join(home, 'absent.wav')], { home });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/cannot read .*absent\.wav: ENOENT[\s\S]*fix: check the path of --input/);
    const none = await jett(['voice', 'wake'], { home });
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/jett voice wake needs --input FILE[\s\S]*fix: run `jett voice wake --input recording.wav`/);
  });

  it('`jett voice listen` keeps a wake no question followed in jett.db, as the agent does', async () => {
    const listenHome = tempDir('jett-cli-listen-');
    const pcm = concat([new Int16Array(ms(1500)), await speakDithered('hey jarvis', 'en-gb', 150), new Int16Array(ms(6000))]);
    const mic = fakeMicrophone(path.join(listenHome, 'mic'), pcm);
    const { database: file, logs } = jettPaths(listenHome);
    // jett.db as the agent left it (migrated): only the command's own recording can add a row.
    const rows = () => {
      const local = openLocalDb(file);
      try {
        return local.db.prepare('SELECT word, threshold FROM wake_events').all();
      } finally {
        local.close();
      }
    };
    expect(rows()).toEqual([]);
    const child = spawn(process.execPath, ['bin/jett.mjs', 'voice', 'listen', '--test-engines'], { env: { ...mic.env, JETT_HOME: listenHome }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    let exited = false;
    void closed.then(() => (exited = true));
    // Until the log says the wake ended unanswered (the 6 s after the phrase hold those 4 s); a deadline, not a goal.
    const logged = () => fs.existsSync(logs) && fs.readdirSync(logs).some((f) => fs.readFileSync(path.join(logs, f), 'utf8').includes('wake word with no question'));
    const end = Date.now() + 90_000;
    while (!logged() && !exited && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGINT');
    expect(await closed, stderr).toBe(0);
    expect(stderr).toContain('say "hey jarvis", then your question');
    expect(rows()).toEqual([{ word: 'hey_jarvis', threshold: 0.5 }]);
  }, 120_000);
});
