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

/** A sink appending JSON lines to LOGS/jett.log (the folder is created owner-only). */
export function fileSink(logsDir: string, name = 'jett.log'): LogSink {
  fs.mkdirSync(logsDir, { recursive: true, mode: 0o700 });
  const file = path.join(logsDir, name);
  return (line) => fs.appendFileSync(file, `${line}\n`, { mode: 0o600 });
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
