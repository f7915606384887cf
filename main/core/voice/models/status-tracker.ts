// What the status snapshot's `models` part shows: each engine's execution provider and what each loaded model cost
// in memory. Apart from the engines themselves, so the agent keeps one without loading any speech runtime.
import type { ExecutionProviderChoice, ModelMemory, ModelsStatus } from '../../contracts/models.js';

const MB = 1024 * 1024;

export class ModelsStatusTracker {
  private current: { stt: ExecutionProviderChoice | null; tts: ExecutionProviderChoice | null } = { stt: null, tts: null };
  private readonly memory = new Map<ModelMemory['task'], ModelMemory>();

  record(task: 'stt' | 'tts', choice: ExecutionProviderChoice): void {
    this.current = { ...this.current, [task]: choice };
  }

  /**
   * Loads a model and records the growth of the resident set across its load, per task (a reload replaces the
   * figure), on the provider its load announced (record()), else `ep`. Loads run one after another in the voice
   * factory, so one load's growth is not another's.
   */
  async measure<T>(task: ModelMemory['task'], engine: string, load: () => Promise<T>, opts: { ep?: ModelMemory['ep']; rss?: () => number } = {}): Promise<T> {
    const rss = opts.rss ?? (() => process.memoryUsage.rss());
    const before = rss();
    const loaded = await load();
    const grown = Math.max(0, rss() - before);
    const ep = (task === 'stt' || task === 'tts' ? this.current[task]?.ep : null) ?? opts.ep ?? 'cpu';
    this.memory.set(task, { task, engine, ep, rssMb: Math.round((grown / MB) * 10) / 10 });
    return loaded;
  }

  /** Whether this task's load was measured already (the runtimes are imported once per process). */
  measured(task: ModelMemory['task']): boolean {
    return this.memory.has(task);
  }

  /** Voice went off (or lost its models): its models are let go, the runtimes stay loaded and keep their figure. */
  forgetModels(): void {
    for (const task of ['vad', 'stt', 'tts'] as const) this.memory.delete(task);
  }

  snapshot(): ModelsStatus {
    const memory = [...this.memory.values()];
    return memory.length ? { ...this.current, memory } : { ...this.current };
  }
}
