// Whether the speech models the config names are downloaded: without the speech-to-text model voice is "not
// configured" (which models are missing, and how to get them); without the text-to-speech one replies use espeak-ng.
import type { Config } from '../../contracts/config.js';
import type { Catalogue } from '../../contracts/models.js';
import type { ServiceSetup } from '../../contracts/status.js';
import { findEntry, loadCatalogue } from './catalogue.js';
import { isPresent } from './installed.js';

const pullAll = (names: string[]) => names.map((n) => `\`jett models pull ${n}\``).join(' and ');

export function voiceReadiness(config: Config, modelsDir: string, catalogue: Catalogue = loadCatalogue()): ServiceSetup {
  const present = (name: string) => isPresent(modelsDir, findEntry(catalogue, name));
  const stt = config.models.stt;
  const tts = config.models.tts;
  const missing = [!present(stt) && stt, tts && !present(tts) && tts].filter((n): n is string => Boolean(n));
  const next = `download ${missing.length > 1 ? 'them' : 'it'} on the Models screen (Pull), or run ${pullAll(missing)}`;
  if (missing.includes(stt)) {
    const what = missing.length > 1 ? `${stt} (speech-to-text) and ${tts} (text-to-speech)` : `${stt} (speech-to-text)`;
    return { configured: false, reason: `speech models not downloaded: ${what}, in ${modelsDir}`, next };
  }
  if (missing.length > 0) return { configured: true, reason: `${tts} (text-to-speech) is not downloaded: replies use espeak-ng`, next };
  return { configured: true, reason: `${stt}${tts ? ` and ${tts}` : ''} in ${modelsDir}`, next: null };
}
