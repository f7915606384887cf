// Voice: the hotkey (and whether the OS gave it to Jett), microphone, end-of-turn silence, activation, hands-free's
// wake word and threshold (and how it runs), barge-in, the speech engines, and the Ollama host and model.
import type { ModelsView, VoiceChoices } from '../../../main/core/contracts/ipc.js';
import type { WakeStatus } from '../../../main/core/contracts/status.js';
import { api, unwrap } from '../bridge.js';
import { h } from '../dom.js';
import { sectionForm, type Choice, type FieldSpec } from '../form.js';
import type { Store } from '../state.js';
import { fail, say } from '../toast.js';
import { ACTIVATION_CHOICES, kokoroVoiceChoices, microphoneChoices, ollamaModelChoices, speechModelChoices, wakeWordChoices } from '../voice-choices.js';

const VOICE: FieldSpec[] = [
  { key: 'hotkey', label: 'Hotkey', kind: 'text', help: 'An Electron accelerator, e.g. Ctrl+Alt+J' },
  { key: 'inputDevice', label: 'Microphone (sox)', kind: 'text', help: 'A sox/arecord device name, or "default"; the app\'s own capture uses the Microphone screen\'s choice' },
  { key: 'silenceMs', label: 'End-of-turn silence (ms)', kind: 'number', help: 'Silence that ends a turn' },
  { key: 'activation', label: 'Activation', kind: 'select', choices: ACTIVATION_CHOICES, help: 'In hands-free the hotkey also starts a turn at once, without the wake word' },
  { key: 'wakeWord', label: 'Wake word (hands-free)', kind: 'select', choices: wakeWordChoices(), help: 'Say it, then your question; what Jett hears before it is never kept' },
  { key: 'wakeThreshold', label: 'Wake-word threshold', kind: 'number', step: 'any', help: 'The score from 0 to 1 that counts as the wake word: higher for fewer false wakes, lower if it misses you; 0.5 to start (`jett voice wake --input FILE` shows the scores)' },
  { key: 'bargeIn', label: 'Barge-in', kind: 'select', options: ['auto', 'on', 'off'], help: 'Auto: speaking during a reply interrupts it where Jett can keep its own voice out (the status says why not). On: always (use headphones)' },
  { key: 'recorder', label: 'Recorder', kind: 'select', options: ['sox', 'arecord'] },
];
const ENGINES: FieldSpec[] = [
  { key: 'stt', label: 'Speech to text', kind: 'text', help: 'A model from the Models tab, e.g. whisper-base' },
  { key: 'sttLanguage', label: 'Spoken language', kind: 'text', help: 'For multilingual Whisper: en, german, ...' },
  { key: 'tts', label: 'Text to speech', kind: 'text', help: 'kokoro-82m; empty: espeak-ng' },
  { key: 'ttsVoice', label: 'Voice', kind: 'text', help: 'A Kokoro voice (the ones kokoro-js ships), e.g. af_heart' },
  { key: 'executionProvider', label: 'Runs on', kind: 'select', options: ['auto', 'dml', 'cuda', 'cpu'], help: 'auto: DirectML on Windows, CUDA on Linux when installed, else CPU' },
];
const OLLAMA: FieldSpec[] = [
  { key: 'host', label: 'Ollama host', kind: 'text', help: 'e.g. http://127.0.0.1:11434' },
  { key: 'model', label: 'Model', kind: 'text', help: 'See the Models tab for what is installed' },
];

/** How long the screen waits for the lists before it shows the fields as free text. */
const CHOICES_WAIT_MS = 3000;

/**
 * The fields that become choices once the agent's microphones, the catalogue and Ollama's list have arrived; until
 * then (or when a list cannot be had) they stay as they were.
 */
function withChoices(specs: FieldSpec[], choices: Record<string, { choices: Choice[]; help?: string }>): FieldSpec[] {
  return specs.map((f) => (choices[f.key] ? { ...f, kind: 'select' as const, choices: choices[f.key]!.choices, help: choices[f.key]!.help ?? f.help } : f));
}

export function voiceScreen(store: Store): HTMLElement {
  const { settings, status } = store.state;
  const hk = status.hotkey;
  const save = (section: 'voice' | 'ollama' | 'models', what: string) => async (values: Record<string, string | number | boolean>) => {
    try {
      store.setSettings(await unwrap(api().settings.save(section, values)));
      store.setStatus(await unwrap(api().status.get()));
      say(`${what} saved`);
    } catch (err) {
      fail(err);
    }
  };
  const hotkeyNote = hk.registered
    ? h('div', { class: 'ok-note', id: 'hotkey-note' }, `${hk.accelerator} is registered: press it anywhere to start or end a voice turn.`)
    : h('div', { class: 'warning', id: 'hotkey-note' }, `Hotkey unavailable: ${hk.error ?? 'not registered'}`);
  // pushToTalk: whether the key hook runs, or why the hotkey toggles instead.
  const holdNote = !hk.hold
    ? null
    : hk.hold.active
      ? h('div', { class: 'ok-note', id: 'hold-note' }, `Hold ${hk.accelerator} to talk: the turn ends when you let go.`)
      : h('div', { class: 'warning', id: 'hold-note' }, `Hold-to-talk unavailable: ${hk.hold.reason ?? 'the key hook is not running'}`);
  const barge = status.snapshot?.voice.bargeIn;
  const bargeNote = barge ? h('div', { class: barge.active ? 'ok-note' : 'warning', id: 'barge-in-note' }, `Barge-in ${barge.active ? 'on' : 'off'}: ${barge.reason}`) : null;
  const wake = status.snapshot?.voice.wake;
  const wakeNote = wake ? h('div', { class: wake.listening === 'off' || wake.word === 'none' ? 'warning' : 'ok-note', id: 'wake-note' }, wakeWords(wake)) : null;
  const c = settings.config;
  const forms = h('div', { id: 'voice-forms' });
  const draw = (voiceChoices: VoiceChoices | null, models: ModelsView | null) => {
    const pick: Record<string, { choices: Choice[]; help?: string }> = {};
    if (voiceChoices) {
      pick.inputDevice = { choices: microphoneChoices(voiceChoices.devices, c.voice.inputDevice), help: voiceChoices.devices.note ?? 'The microphones sox can name (voice.capture "sox" and the headless agent); the app\'s own capture uses the Microphone screen' };
      pick.ttsVoice = { choices: kokoroVoiceChoices(voiceChoices.voices, c.models.ttsVoice) };
    }
    if (models) {
      pick.stt = { choices: speechModelChoices(models, 'stt', c.models.stt), help: 'Download one on the Models tab' };
      pick.tts = { choices: speechModelChoices(models, 'tts', c.models.tts) };
      pick.model = { choices: ollamaModelChoices(models, c.ollama.model), help: models.error ?? 'The models Ollama holds; pull more on the Models tab' };
    }
    forms.replaceChildren(
      sectionForm(c, 'voice', withChoices(VOICE, pick), save('voice', 'Voice settings')).element,
      h('h2', { class: 'section-title' }, 'Speech engines'),
      sectionForm(c, 'models', withChoices(ENGINES, pick), save('models', 'Engine settings')).element,
      h('h2', { class: 'section-title' }, 'Language model'),
      sectionForm(c, 'ollama', withChoices(OLLAMA, pick), save('ollama', 'Ollama settings')).element,
    );
  };
  // The forms are drawn once, with the choices, so nothing typed is lost to a redraw. Either list may fail (no agent,
  // Ollama not running) or be slow: the fields it would fill then stay free text.
  const slow = new Promise<null>((resolve) => setTimeout(() => resolve(null), CHOICES_WAIT_MS));
  const settle = <T>(p: Promise<T>) => Promise.race([p.catch(() => null), slow]);
  void Promise.all([settle(unwrap(api().voice.choices())), settle(unwrap(api().models.list()))]).then(([vc, m]) => {
    draw(vc, m);
    forms.setAttribute('data-choices', vc || m ? 'loaded' : 'none');
  });
  return h('section', { class: 'screen', id: 'screen-voice' }, h('h1', {}, 'Voice'), hotkeyNote, holdNote, bargeNote, wakeNote, forms);
}

/** Hands-free as the agent runs it: listening, paused (the tray resumes it) or off and why, with its counts. */
function wakeWords(w: WakeStatus): string {
  if (w.listening === 'off') return `Hands-free off: ${w.reason ?? 'the wake word could not be loaded'}`;
  if (w.word === 'none') return `Hands-free hears any speech: ${w.reason ?? 'no wake word is set'}`;
  const counts = `${w.detections} detection${w.detections === 1 ? '' : 's'}, ${w.falseWakes} false wake${w.falseWakes === 1 ? '' : 's'} since the agent started`;
  const word = `"${w.word.replace(/_/g, ' ')}"`;
  if (w.listening === 'paused') return `Hands-free paused: not listening for ${word} until you resume it from the tray (threshold ${w.threshold}; ${counts}).`;
  return `Hands-free listening for ${word} at threshold ${w.threshold}: ${counts}.`;
}
