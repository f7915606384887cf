// Checks a model folder before an engine loads it: the right task, every file present, and a config.json of the
// right model type - so a missing or wrong model is a clear error instead of a failure deep inside onnxruntime.
import fs from 'node:fs';
import path from 'node:path';
import type { CatalogueEntry, ModelTask } from '../../contracts/models.js';
import { EngineError } from '../errors.js';

/** config.json's model_type for each engine, as the onnx-community exports write it. */
const MODEL_TYPES: Record<CatalogueEntry['engine'], string> = { whisper: 'whisper', kokoro: 'style_text_to_speech_2', bert: 'bert' };
const TASK_WORDS: Record<ModelTask, string> = { stt: 'speech-to-text', tts: 'text-to-speech', embed: 'embedding' };
const TASK_KEYS: Record<ModelTask, string> = { stt: 'models.stt', tts: 'models.tts', embed: 'models.embed' };

export function isPresent(modelsDir: string, entry: CatalogueEntry): boolean {
  return fs.existsSync(path.join(modelsDir, entry.name, 'config.json'));
}

export function checkModelFolder(modelsDir: string, entry: CatalogueEntry, task: ModelTask): string {
  const key = TASK_KEYS[task];
  if (entry.task !== task) {
    throw new EngineError(`${entry.name} is a ${TASK_WORDS[entry.task]} model, not ${TASK_WORDS[task]}`, `set ${key} to a ${TASK_WORDS[task]} model (\`jett models list\`)`);
  }
  const dir = path.join(modelsDir, entry.name);
  const missing = entry.files.filter((f) => !fs.existsSync(path.join(dir, f.path))).map((f) => f.path);
  if (missing.length > 0) {
    throw new EngineError(`${entry.name} in ${dir} is incomplete: missing ${missing.join(', ')}`, `download it again: \`jett models pull ${entry.name} --force\``);
  }
  let modelType: unknown;
  try {
    modelType = (JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { model_type?: unknown }).model_type;
  } catch (err) {
    throw new EngineError(`${entry.name}: ${path.join(dir, 'config.json')} is not valid JSON`, `check it with \`jett models verify ${entry.name}\`, then \`jett models pull ${entry.name} --force\``, { cause: err });
  }
  const want = MODEL_TYPES[entry.engine];
  if (modelType !== want) {
    throw new EngineError(`${dir} holds a model of type "${String(modelType)}", not a ${entry.engine} model ("${want}")`, `put the ${entry.name} files there: \`jett models pull ${entry.name} --force\``);
  }
  return dir;
}
