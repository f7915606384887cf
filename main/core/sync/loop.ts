// A single-flight loop: one run at a time while it is wanted and allowed; a request during a run makes it go round
// once more. The push worker, the inbox puller and the inbox dispatcher each run in one.

export class Loop {
  private running: Promise<void> | null = null;
  private wanted = false;

  constructor(
    private readonly body: () => Promise<boolean>,
    private readonly allowed: () => boolean,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Asks for a run; body returns true when it wants another round straight away. */
  request(): void {
    if (!this.allowed()) return;
    this.wanted = true;
    if (this.running) return;
    this.running = Promise.resolve()
      .then(async () => {
        while (this.wanted && this.allowed()) {
          this.wanted = false;
          if (await this.body()) this.wanted = true;
        }
      })
      .catch(this.onError)
      .finally(() => {
        this.running = null;
        if (this.wanted) this.request();
      });
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}
