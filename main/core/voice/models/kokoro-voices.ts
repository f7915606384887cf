// The voices Kokoro can speak with, as kokoro-js 1.2.1's own table names them, without importing kokoro-js (which
// loads transformers.js and onnxruntime): the settings window offers these as choices. A unit test holds this list
// to kokoroVoices(), so an upgrade of kokoro-js that changes its table fails the test rather than the window.
export const KOKORO_VOICES: readonly string[] = [
  'af_heart', 'af_alloy', 'af_aoede', 'af_bella', 'af_jessica', 'af_kore', 'af_nicole', 'af_nova', 'af_river', 'af_sarah',
  'af_sky', 'am_adam', 'am_echo', 'am_eric', 'am_fenrir', 'am_liam', 'am_michael', 'am_onyx', 'am_puck', 'am_santa',
  'bf_emma', 'bf_isabella', 'bm_george', 'bm_lewis', 'bf_alice', 'bf_lily', 'bm_daniel', 'bm_fable',
];
