// Short turns without the cost of 30 s of padding. transformers.js pads every utterance to Whisper's 30 s window
// and computes the log-mel spectrogram of all of it in JavaScript, which takes longer than the model's own work on
// a GPU for a short turn. The padding is silence, and the normalised log-mel of silence is one constant (the floor
// 8 below the utterance's maximum): so this computes the features of the audio plus enough silence for every frame
// that overlaps its end, fills the remaining frames with that constant - the very input the full computation gives
// the encoder (a test compares the two) - and runs the library's own generate and decode. Audio longer than one
// window goes to the pipeline, which chunks it.
import { Tensor } from '@huggingface/transformers';
import type { AsrPipeline } from './whisper.js';

/** The parts of the transformers.js ASR pipeline used here (the pipeline object carries them). */
export interface WhisperPipelineParts {
  processor: {
    feature_extractor: ((audio: Float32Array, options: { max_length: number }) => Promise<{ input_features: Tensor }>) & {
      config: { n_fft: number; hop_length: number; nb_max_frames: number; n_samples: number };
    };
  };
  model: { generate(args: Record<string, unknown>): Promise<unknown> };
  tokenizer: { batch_decode(ids: unknown, options: { skip_special_tokens: boolean }): string[] };
}

/** The features of one 30 s window for `samples` (at most one window long), computed over the audio only. */
export async function windowFeatures(parts: WhisperPipelineParts, samples: Float32Array): Promise<Tensor> {
  const { n_fft, hop_length, nb_max_frames, n_samples } = parts.processor.feature_extractor.config;
  // Two FFT lengths of silence after the audio: the last frames computed then see nothing but padding.
  const length = Math.min(n_samples, Math.ceil((samples.length + 2 * n_fft) / hop_length) * hop_length);
  const { input_features } = await parts.processor.feature_extractor(samples, { max_length: length });
  const [, mels, frames] = input_features.dims as [number, number, number];
  if (frames >= nb_max_frames) return input_features;
  const src = input_features.data as Float32Array;
  const out = new Float32Array(mels * nb_max_frames);
  for (let m = 0; m < mels; m++) {
    const row = src.subarray(m * frames, (m + 1) * frames);
    out.set(row, m * nb_max_frames);
    out.fill(row[frames - 1]!, m * nb_max_frames + frames, (m + 1) * nb_max_frames);
  }
  return new Tensor('float32', out, [1, mels, nb_max_frames]);
}

/** The pipeline, with turns of one window or less transcribed from their own features. */
export function shortWindow(pipe: AsrPipeline & WhisperPipelineParts): AsrPipeline {
  const { n_samples } = pipe.processor.feature_extractor.config;
  return async (samples, options) => {
    if (samples.length > n_samples) return pipe(samples, options);
    const ids = await pipe.model.generate({ inputs: await windowFeatures(pipe, samples), ...options });
    return { text: pipe.tokenizer.batch_decode(ids, { skip_special_tokens: true })[0] ?? '' };
  };
}
