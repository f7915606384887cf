// Structured logging: JSON lines for files, readable lines for a terminal, every record passed through the Redactor.
import fs from 'node:fs';
import path from 'node:path';
import { Redactor } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;
export type LogSink = (line: string) => void;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
  readonly redactor: Redactor;
}

export interface LoggerOptions {
  sink: LogSink;
  format: 'json' | 'pretty';
  level?: LogLevel;
  redactor?: Redactor;
  clock?: () => Date;
}

export function createLogger(opts: LoggerOptions, bindings: LogFields = {}): Logger {
  const redactor = opts.redactor ?? new Redactor();
  const min = ORDER[opts.level ?? 'info'];
  const clock = opts.clock ?? (() => new Date());
  const write = (level: LogLevel, msg: string, fields: LogFields = {}) => {
    if (ORDER[level] < min) return;
    const record = redactor.redact({ ...bindings, ...fields }) as LogFields;
    const text = redactor.redactString(msg);
    const time = clock().toISOString();
    if (opts.format === 'json') {
      opts.sink(JSON.stringify({ time, level, msg: text, ...record }));
    } else {
      const extra = Object.entries(record)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      opts.sink(`${time.slice(11, 19)} ${level.padEnd(5)} ${text}${extra ? `  ${extra}` : ''}`);
    }
  };
  return {
    redactor,
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (b) => createLogger({ ...opts, redactor }, { ...bindings, ...b }),
  };
}

export interface FileSinkOptions {
  name?: string;
  /** A file that would pass this size with the next line is rotated first. */
  maxBytes?: number;
  /** Files kept in all (2 or more): jett.log, jett.log.1 (the previous one), ... up to jett.log.(keep-1). */
  keep?: number;
}

/** Another process writing the same log may have rotated it a moment ago: a file already gone is no error. */
function moveIfPresent(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export const LOG_MAX_BYTES = 5 * 1024 * 1024;
export const LOG_KEEP = 3;

/**
 * A sink appending JSON lines to LOGS/jett.log (folder owner-only, files 0600), rotated by size so the logs never
 * take more than keep x maxBytes. The size is read from the file at each line, not counted here: the tray app and
 * `jett` commands write the same file, and each must see what the others wrote.
 */
export function fileSink(logsDir: string, opts: FileSinkOptions = {}): LogSink {
  const { name = 'jett.log', maxBytes = LOG_MAX_BYTES, keep = LOG_KEEP } = opts;
  if (keep < 2) throw new RangeError('fileSink keeps at least 2 files (the current one and the previous one)');
  fs.mkdirSync(logsDir, { recursive: true, mode: 0o700 });
  const file = path.join(logsDir, name);
  const rotate = () => {
    fs.rmSync(`${file}.${keep - 1}`, { force: true });
    for (let i = keep - 2; i >= 0; i--) moveIfPresent(i === 0 ? file : `${file}.${i}`, `${file}.${i + 1}`);
  };
  return (line) => {
    const text = `${line}\n`;
    const size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    if (size > 0 && size + Buffer.byteLength(text) > maxBytes) rotate();
    try {
      fs.appendFileSync(file, text, { mode: 0o600 });
    } catch (err) {
      // The folder was removed under a running process (by hand, or a cleanup): made again, the line is kept. A
      // log line must never turn into an error in the code that wrote it.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      fs.mkdirSync(logsDir, { recursive: true, mode: 0o700 });
      fs.appendFileSync(file, text, { mode: 0o600 });
    }
  };
}

/** Both sinks at once: readable lines on stderr for the user, JSON lines in the file for later. */
export function teeLogger(opts: { logsDir: string; level?: LogLevel; redactor?: Redactor; stderr?: boolean }): Logger {
  const redactor = opts.redactor ?? new Redactor();
  const file = fileSink(opts.logsDir);
  const jsonLog = createLogger({ sink: file, format: 'json', level: opts.level ?? 'info', redactor });
  if (!opts.stderr) return jsonLog;
  const tty = createLogger({ sink: (l) => process.stderr.write(`${l}\n`), format: 'pretty', level: opts.level ?? 'info', redactor });
  const both = (a: Logger, b: Logger): Logger => ({
    redactor,
    debug: (m, f) => (a.debug(m, f), b.debug(m, f)),
    info: (m, f) => (a.info(m, f), b.info(m, f)),
    warn: (m, f) => (a.warn(m, f), b.warn(m, f)),
    error: (m, f) => (a.error(m, f), b.error(m, f)),
    child: (bind) => both(a.child(bind), b.child(bind)),
  });
  return both(jsonLog, tty);
}
