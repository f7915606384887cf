// Microphone: the app's microphones (from its capture page) as a choice, a saved one that is unplugged kept and
// marked missing; and a "say something" test with a live level meter that shows what the VAD heard and, with a
// speech model, the words. The microphone is open only while the test runs: leaving the screen stops it.
import type { MicLevel, MicrophonesView, MicTestResult } from '../../../main/core/contracts/mic-check.js';
import { api, unwrap } from '../bridge.js';
import { h } from '../dom.js';
import type { Store } from '../state.js';
import { fail, say } from '../toast.js';

/** The meter's range in dBFS: quieter than this reads as nothing. */
const METER_FLOOR_DB = -60;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function deviceOptions(view: MicrophonesView): HTMLOptionElement[] {
  const options = [h('option', { value: '' }, 'System default')];
  view.devices.forEach((d, i) => {
    // Chromium lists a "default" entry beside the real devices; the system default above stands for it.
    if (d.deviceId === 'default' || d.deviceId === '') return;
    options.push(h('option', { value: d.deviceId }, d.label || `Microphone ${i + 1} (no name until the microphone was used once)`));
  });
  if (view.selectedMissing) options.push(h('option', { value: view.selected, 'data-missing': 'true' }, `Saved microphone (missing: not connected now)`));
  for (const o of options) o.selected = o.value === view.selected;
  return options;
}

function resultView(r: MicTestResult): HTMLElement {
  const end = { 'turn-end': 'the VAD ended the turn', 'time-limit': 'the time limit was reached', stopped: 'the test was stopped' }[r.ended];
  const heard = r.speech
    ? h('p', { id: 'mic-heard' }, `Heard speech from ${seconds(r.speech.startMs)} to ${seconds(r.speech.endMs)} (${seconds(r.speech.endMs - r.speech.startMs)} of speech) in ${seconds(r.recordedMs)} recorded; ${end}.`)
    : h('p', { id: 'mic-heard', class: 'warning' }, `Heard no speech in ${seconds(r.recordedMs)} recorded; ${end}. If you spoke, check that the right microphone is chosen and not muted.`);
  const words = r.transcript
    ? h('p', { id: 'mic-transcript' }, h('strong', {}, `Understood (${r.transcript.model}): `), r.transcript.text || '(no words)')
    : h('p', { id: 'mic-transcript', class: 'help' }, `No transcript: ${r.transcriptNote ?? 'none'}.`);
  return h(
    'div',
    { class: 'card', id: 'mic-result', 'data-ended': r.ended, 'data-speech-start-ms': r.speech?.startMs ?? '', 'data-speech-end-ms': r.speech?.endMs ?? '', 'data-peak-db': r.peakDb, 'data-recorded-ms': r.recordedMs },
    h('div', { class: 'kv' }, h('span', { class: 'help' }, 'Microphone'), h('span', {}, r.label || 'unknown')),
    heard,
    h('div', { class: 'kv' }, h('span', { class: 'help' }, 'Loudest'), h('span', { id: 'mic-peak' }, `${r.peakDb.toFixed(1)} dBFS`)),
    words,
  );
}

/** `onLeave` receives what stops the test when the window shows another screen. */
export function microphoneScreen(store: Store, onLeave: (stop: () => void) => void): HTMLElement {
  const select = h('select', { id: 'mic-device', disabled: true }, h('option', { value: '' }, 'Loading the microphones...'));
  const listNote = h('div', { id: 'mic-list-note' });
  const meter = h('meter', { id: 'mic-meter', min: METER_FLOOR_DB, max: 0, low: -45, high: -10, optimum: -20, value: METER_FLOOR_DB, 'data-db': '', 'data-speaking': 'false' });
  const meterLabel = h('span', { id: 'mic-meter-label', class: 'help' }, 'Microphone closed');
  const result = h('div', { id: 'mic-result-area' });
  const saveButton = h('button', { id: 'mic-save', disabled: true }, 'Use this microphone');
  const testButton = h('button', { class: 'primary', id: 'mic-test' }, 'Say something');
  const stopButton = h('button', { id: 'mic-stop', disabled: true }, 'Stop');
  let unsubscribe: (() => void) | null = null;
  let testing = false;
  let left = false;

  const showLevel = (l: MicLevel) => {
    meter.value = Math.max(METER_FLOOR_DB, l.db);
    meter.setAttribute('data-db', String(l.db));
    meter.setAttribute('data-speaking', String(l.speaking));
    meterLabel.textContent = `${l.db.toFixed(0)} dBFS${l.speaking ? ' · speech' : ''}`;
  };
  const finish = () => {
    testing = false;
    unsubscribe?.();
    unsubscribe = null;
    meter.value = METER_FLOOR_DB;
    meterLabel.textContent = 'Microphone closed';
    testButton.disabled = false;
    stopButton.disabled = true;
  };
  const test = async () => {
    testing = true;
    testButton.disabled = true;
    stopButton.disabled = false;
    result.replaceChildren(h('div', { class: 'notice', id: 'mic-listening' }, 'Listening: say something, then pause. The test ends when Jett hears the end of what you said.'));
    meterLabel.textContent = 'Microphone open';
    unsubscribe = api().voice.onMicLevel(showLevel);
    try {
      const r = await unwrap(api().voice.micTest(select.value));
      if (!left) result.replaceChildren(resultView(r));
    } catch (err) {
      if (!left) result.replaceChildren();
      fail(err);
    } finally {
      finish();
    }
  };
  const stop = () => {
    if (testing) void api().voice.micTestStop();
  };
  testButton.addEventListener('click', () => void test());
  stopButton.addEventListener('click', stop);
  saveButton.addEventListener('click', () => {
    void unwrap(api().settings.save('voice', { captureDevice: select.value })).then((s) => {
      store.setSettings(s);
      say('Microphone saved: voice turns use it from the next one');
    }, fail);
  });
  onLeave(() => {
    left = true;
    stop();
  });

  void unwrap(api().voice.microphones()).then(
    (view) => {
      select.replaceChildren(...deviceOptions(view));
      select.disabled = false;
      saveButton.disabled = false;
      select.setAttribute('data-loaded', 'true');
      const notes: HTMLElement[] = [];
      if (view.selectedMissing) notes.push(h('div', { class: 'warning', id: 'mic-missing' }, 'The saved microphone is not connected now. It stays chosen: plug it back in, or pick another and press "Use this microphone".'));
      if (view.capture === 'sox') notes.push(h('div', { class: 'warning', id: 'mic-sox' }, 'Voice turns capture with sox (voice.capture is "sox"): this list and test check the app\'s own capture, which turns do not use. Pick the sox microphone on the Voice screen.'));
      listNote.replaceChildren(...notes);
    },
    (err: unknown) => {
      select.replaceChildren(h('option', { value: '' }, 'System default'));
      select.disabled = false;
      listNote.replaceChildren(h('div', { class: 'warning', id: 'mic-list-error' }, 'The app\'s microphones could not be listed: the test uses the system default.'));
      fail(err);
    },
  );

  return h(
    'section',
    { class: 'screen', id: 'screen-microphone' },
    h('h1', {}, 'Microphone'),
    h('div', { class: 'card' }, h('div', { class: 'field' }, h('label', { for: 'mic-device' }, 'Microphone'), select), listNote, h('div', { class: 'actions' }, saveButton)),
    h('h2', { class: 'section-title' }, 'Check it'),
    h(
      'div',
      { class: 'card' },
      h('p', { class: 'help' }, 'Opens the chosen microphone until Jett hears you finish a sentence (15 s at most), then shows what it heard. The microphone closes when the test ends or you leave this screen.'),
      h('div', { class: 'inline' }, meter, meterLabel),
      h('div', { class: 'actions' }, testButton, stopButton),
    ),
    result,
  );
}
