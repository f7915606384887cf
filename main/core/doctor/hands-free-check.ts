// `jett doctor`'s hands-free check: not in use, any-speech hands-free (a warning: every voice in the room becomes a
// question), or the wake word's models present and matching their sha256 (else hands-free will fall back to off).
import type { Config } from '../contracts/config.js';
import type { DoctorCheck } from '../contracts/doctor.js';
import { JettError } from '../errors.js';
import { ANY_SPEECH_WARNING } from '../voice/wake-setup.js';

const NAME = 'hands-free';

export async function checkHandsFree(config: Config | null): Promise<DoctorCheck> {
  if (!config) return { name: NAME, status: 'warn', detail: 'skipped: the config is invalid', fix: 'fix the config first' };
  const { activation, wakeWord, wakeThreshold } = config.voice;
  if (activation !== 'handsFree') return { name: NAME, status: 'ok', detail: `not in use (voice.activation ${activation})`, fix: null };
  if (wakeWord === 'none') return { name: NAME, status: 'warn', detail: ANY_SPEECH_WARNING, fix: '`jett config set voice.wakeWord hey_jarvis`' };
  // Loaded on use: the check reads and hashes the model files, it runs none of them.
  const { defaultWakeModelsDir, readVerifiedModel } = await import('../voice/wake/models.js');
  try {
    for (const name of ['melspectrogram', 'embedding', wakeWord] as const) readVerifiedModel(defaultWakeModelsDir(), name);
  } catch (err) {
    if (!(err instanceof JettError)) throw err;
    return { name: NAME, status: 'fail', detail: `hands-free will fall back to off: ${err.message}`, fix: err.fix };
  }
  return { name: NAME, status: 'ok', detail: `listening for ${wakeWord} at threshold ${wakeThreshold}; its models match their sha256`, fix: null };
}
