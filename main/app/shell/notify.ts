// Desktop notifications from the shell, and the one way a failed user action is reported (logged and notified).
import { Notification } from 'electron';
import { formatError } from '../../core/errors.js';
import type { Logger } from '../../core/log/logger.js';

export type Notify = (title: string, body: string) => void;
export type Report = (what: string) => (err: unknown) => void;

export const notify: Notify = (title, body) => {
  if (Notification.isSupported()) new Notification({ title, body }).show();
};

export function reporter(log: Logger): Report {
  return (what) => (err) => {
    log.warn(`${what} failed`, { error: formatError(err) });
    notify(`Jett: ${what} failed`, formatError(err));
  };
}
