// The settings window's Kokoro voices come from a list kept beside kokoro-js rather than from importing it (which loads
// transformers.js and onnxruntime into the tray): the list must be exactly kokoro-js's own table.
import { expect, it } from 'vitest';
import { kokoroVoices } from '../../../main/core/voice/models/kokoro.js';
import { KOKORO_VOICES } from '../../../main/core/voice/models/kokoro-voices.js';

it('KOKORO_VOICES is kokoro-js\'s voice table, in its order', () => {
  expect([...KOKORO_VOICES]).toEqual(kokoroVoices());
});
