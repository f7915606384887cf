// Everything this process starts that must not outlive it (voice children, network namespaces, database servers),
// in one registry with one exit hook: a clean stop forgets a resource; an exit without one releases what is left.
export interface LiveResource {
  /** What it is, for listing ("voice child", "netns pair", ...). */
  readonly kind: string;
  readonly pid?: number;
  /** Synchronous, because it may run inside the process 'exit' hook, where nothing asynchronous completes. */
  release(): void;
  /** The clean, asynchronous stop, where there is one (stopAll prefers it). */
  stop?(): Promise<void>;
}

export interface Registration {
  /** The resource was stopped cleanly: the exit hook leaves it alone. */
  forget(): void;
}

/** Where the exit hook goes: the process, or a stand-in in tests. */
export interface ExitHooks {
  once(event: 'exit', listener: () => void): unknown;
}

export class LiveResources {
  private readonly live = new Set<LiveResource>();
  private hooked = false;

  constructor(private readonly proc: ExitHooks = process) {}

  add(resource: LiveResource): Registration {
    if (!this.hooked) {
      this.hooked = true;
      this.proc.once('exit', () => this.releaseAll());
    }
    this.live.add(resource);
    return { forget: () => void this.live.delete(resource) };
  }

  list(kind?: string): LiveResource[] {
    return [...this.live].filter((r) => kind === undefined || r.kind === kind);
  }

  /** Releases every resource still registered; one that fails (already gone) does not stop the others. */
  releaseAll(): void {
    for (const r of [...this.live]) {
      this.live.delete(r);
      try {
        r.release();
      } catch {
        // Already gone: nothing left to release.
      }
    }
  }

  /** Stops every resource of `kind` the clean way (or releases it where it has no stop), one after another. */
  async stopAll(kind: string): Promise<void> {
    for (const r of this.list(kind)) {
      if (r.stop) await r.stop();
      else r.release();
      this.live.delete(r);
    }
  }
}

/** The process's one registry. */
export const liveResources = new LiveResources();
