// What text a TTS engine can speak: something with a letter or a digit in it. Punctuation, emoji and whitespace
// alone have no words, so they give no audio rather than a model run on an empty phoneme string.
export function speakableText(text: string): string | null {
  const clean = text.replace(/\s+/g, ' ').trim();
  return /[\p{L}\p{N}]/u.test(clean) ? clean : null;
}
