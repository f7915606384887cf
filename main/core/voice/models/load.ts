// Loads an engine on the chosen execution provider; under `auto` a GPU that fails to start falls back to the CPU
// and says so. Load failures become EngineErrors that name the model and the command that checks its files.
import type { ExecutionProvider, ExecutionProviderChoice } from '../../contracts/models.js';
import { EngineError } from '../errors.js';
import { fallbackAfterFailure } from './execution-provider.js';

export function loadError(model: string, err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const first = String((err as Error).message ?? err).split('\n')[0]!.slice(0, 300);
  return new EngineError(`cannot load ${model}: ${first}`, `check its files with \`jett models verify ${model}\`; if one is damaged, \`jett models pull ${model} --force\``, { cause: err });
}

export async function loadOnProvider<T>(
  model: string,
  choice: ExecutionProviderChoice,
  announce: (c: ExecutionProviderChoice) => void,
  load: (ep: ExecutionProvider) => Promise<T>,
): Promise<{ engine: T; choice: ExecutionProviderChoice }> {
  try {
    const engine = await load(choice.ep);
    announce(choice);
    return { engine, choice };
  } catch (err) {
    const fallback = fallbackAfterFailure(choice, err);
    if (!fallback) throw loadError(model, err);
    announce(fallback);
    try {
      return { engine: await load('cpu'), choice: fallback };
    } catch (cpuErr) {
      throw loadError(model, cpuErr);
    }
  }
}
