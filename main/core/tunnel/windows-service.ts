// Reads sc.exe, which prints in the display language: only its exit status (the Win32 error number) and the
// numbers in `sc query` count, never its words. The tunnel service is what a normal user may query; WireGuard's
// driver lets only SYSTEM and elevated administrators read the interface itself.

/**
 * Win32 error numbers that sc.exe exits with (learn.microsoft.com, System Error Codes 1000-1299). The exit status
 * is the one reliable copy: the `[SC] StartService FAILED 1056:` line around it is translated, "FAILED" included.
 */
export const SC_ERROR = {
  accessDenied: 5,
  alreadyRunning: 1056,
  disabled: 1058,
  doesNotExist: 1060,
  notStarted: 1062,
  markedForDelete: 1072,
} as const;

/** SERVICE_STATUS.dwCurrentState: the number `sc query` prints before the state's (translated) name. */
export const SERVICE_STATE = {
  stopped: 1,
  startPending: 2,
  stopPending: 3,
  running: 4,
  continuePending: 5,
  pausePending: 6,
  paused: 7,
} as const;

/**
 * The state number in `sc query NAME` output. Its labels are translated ("STATE" is "状态" on Chinese Windows)
 * but the layout is not: lines of `LABEL : NUMBER  NAME`, TYPE first and STATE second. Null when there is none.
 */
export function parseScState(stdout: string): number | null {
  const numbered = stdout
    .split(/\r?\n/)
    .map((l) => /:\s*(\d+)\s+\S/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);
  const state = numbered[1] ? Number(numbered[1][1]) : null;
  return state !== null && state >= SERVICE_STATE.stopped && state <= SERVICE_STATE.paused ? state : null;
}
