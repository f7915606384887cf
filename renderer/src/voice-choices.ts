// The choices the voice fields offer instead of free text: microphones the agent can name, speech models of the
// catalogue (with whether each is installed), Kokoro's voices, the LLMs Ollama holds. A saved value that is none of
// them is kept as the selected choice, marked, so opening the window never changes a setting by itself.
import type { ModelsView, VoiceChoices } from '../../main/core/contracts/ipc.js';
import { WAKE_WORDS } from '../../main/core/contracts/wake.js';
import type { Choice } from './form.js';

const STATE_WORDS = { installed: 'installed', 'not-installed': 'not downloaded', partial: 'partly downloaded' } as const;

/** `choices`, plus the saved value marked as unknown when it is not one of them. */
export function keepSaved(choices: Choice[], saved: string, why: string): Choice[] {
  return choices.some((c) => c.value === saved) ? choices : [...choices, { value: saved, label: `${saved} (${why})`, unknown: true }];
}

export function microphoneChoices(devices: VoiceChoices['devices'], saved: string): Choice[] {
  const listed = devices.devices.filter((d) => d.name !== 'default').map((d) => ({ value: d.name, label: d.description ? `${d.name} — ${d.description}` : d.name }));
  return keepSaved([{ value: 'default', label: 'default — the system\'s default microphone' }, ...listed], saved, devices.supported ? 'not connected now' : 'as saved');
}

export function speechModelChoices(models: ModelsView, task: 'stt' | 'tts', saved: string): Choice[] {
  const entries = models.speech.models.filter((m) => m.task === task).map((m) => ({ value: m.name, label: `${m.name} (${STATE_WORDS[m.state]})` }));
  const base = task === 'tts' ? [{ value: '', label: 'espeak-ng (no model needed)' }, ...entries] : entries;
  return keepSaved(base, saved, 'not in the catalogue');
}

export function kokoroVoiceChoices(voices: string[], saved: string): Choice[] {
  return keepSaved(voices.map((v) => ({ value: v, label: v })), saved, 'not a Kokoro voice');
}

export function ollamaModelChoices(models: ModelsView, saved: string): Choice[] {
  return keepSaved(models.models.map((m) => ({ value: m.name, label: m.name })), saved, models.error ? 'Ollama not reachable' : 'not pulled');
}

/** How a turn starts, in words; the values are voice.activation's. */
export const ACTIVATION_CHOICES: Choice[] = [
  { value: 'hotkey', label: 'Hotkey — press it to start and end a turn' },
  { value: 'handsFree', label: 'Hands-free — listens for the wake word' },
  { value: 'pushToTalk', label: 'Push-to-talk — hold the hotkey while you speak' },
];

/** The wake words whose models ship with Jett (checked by sha256 at every load), and none. */
export function wakeWordChoices(): Choice[] {
  return [...WAKE_WORDS.map((w) => ({ value: w, label: `"${w.replace(/_/g, ' ')}"` })), { value: 'none', label: 'none — any speech in the room starts a turn' }];
}
