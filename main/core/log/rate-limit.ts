// One log line for a burst of the same event: the first at once, then at most one a period carrying how many were
// left out, so a flood (a program retrying a wrong token in a loop) cannot fill the disk or bury the other lines.
import type { LogFields, Logger } from './logger.js';

export class RateLimitedWarning {
  private lastAt = Number.NEGATIVE_INFINITY;
  private leftOut = 0;

  constructor(
    private readonly logger: Logger,
    private readonly msg: string,
    private readonly periodMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  note(fields: LogFields = {}): void {
    const t = this.now();
    if (t - this.lastAt < this.periodMs) {
      this.leftOut++;
      return;
    }
    this.write(fields);
    this.lastAt = t;
  }

  /** Writes the count of what the last period left out, if anything (at shutdown, so no count is lost). */
  flush(): void {
    if (this.leftOut > 0) this.write({});
  }

  private write(fields: LogFields): void {
    this.logger.warn(this.msg, this.leftOut > 0 ? { ...fields, leftOutSinceLastLine: this.leftOut } : fields);
    this.leftOut = 0;
  }
}
