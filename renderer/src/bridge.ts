// The window's side of the bridge: window.jett (from preload, or a fake in tests) and the unwrapping of replies.
import type { ErrorEnvelope } from '../../main/core/contracts/errors.js';
import type { IpcReply, JettApi } from '../../main/core/contracts/ipc.js';

declare global {
  interface Window {
    jett: JettApi;
  }
}

export class UiError extends Error {
  constructor(readonly view: ErrorEnvelope) {
    super(view.message);
  }
}

export function api(): JettApi {
  return window.jett;
}

export async function unwrap<T>(reply: Promise<IpcReply<T>>): Promise<T> {
  const r = await reply;
  if (r.ok) return r.value;
  throw new UiError(r.error);
}
