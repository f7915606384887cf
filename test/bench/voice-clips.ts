// The benchmark's clips: espeak-ng sentences at several speaking rates, padded with silence over a low noise
// floor, each with its true end of speech known to the sample; every third one has a 150-250 ms pause
// mid-sentence. Deterministic: the same clips on every run.
import { makeClip, type Clip } from '../helpers/audio.js';

const SENTENCES = [
  'What is the weather like in Berlin today',
  'Turn on the lights in the living room',
  'Remind me to call my mother at six',
  'How long does it take to boil an egg',
  'Play some quiet music in the kitchen',
  'What time is my first meeting tomorrow',
  'Add milk and bread to the shopping list',
  'How far is it from here to the airport',
  'Set a timer for twelve minutes please',
  'Tell me the latest news about the election',
  'Is the front door locked right now',
  'Send a message to Anna that I am late',
  'What is the capital of Australia',
  'Switch off the heating in the bedroom',
];

export interface BenchClip extends Clip {
  text: string;
}

export async function generateClips(count = 42): Promise<BenchClip[]> {
  const clips: BenchClip[] = [];
  for (let i = 0; i < count; i++) {
    const text = SENTENCES[i % SENTENCES.length] as string;
    const wpm = [150, 170, 190][Math.floor(i / SENTENCES.length) % 3] as number;
    const withPause = i % 3 === 2;
    const words = text.split(' ');
    const cut = Math.ceil(words.length / 2);
    const pauseMs = 150 + ((i * 37) % 101);
    const parts = withPause ? [words.slice(0, cut).join(' '), pauseMs, words.slice(cut).join(' ')] : [text];
    const clip = await makeClip(parts, { leadMs: 300 + ((i * 53) % 300), tailMs: 1500, noiseAmp: 30, seed: i + 1, wpm });
    clips.push({ ...clip, text });
  }
  return clips;
}
