// Reading a file the user may have replaced by something else (a FIFO, a folder, a device, a socket): open without
// blocking, fstat the open descriptor, and say what it is, so a caller refuses it with its own error instead of
// hanging on a FIFO or reporting a folder's mode bits.
import fs from 'node:fs';

export type FileKind = 'file' | 'folder' | 'FIFO' | 'socket' | 'device' | 'special file';

export type OpenedFile = { kind: 'file'; fd: number; size: number; mode: number } | { kind: Exclude<FileKind, 'file'> };

function kindOf(st: fs.Stats): FileKind {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'folder';
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'device';
  return 'special file';
}

// O_NONBLOCK makes open() of a FIFO return at once instead of waiting for a writer (Windows has neither).
const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/**
 * Opens `file` for reading: null when it does not exist; a descriptor when it is a regular file (the caller closes
 * it); otherwise only what it is, with nothing left open. Other errors (EACCES, ...) are thrown as they are.
 */
export function openRegularFile(file: string): OpenedFile | null {
  let fd: number;
  try {
    fd = fs.openSync(file, READ_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    // Windows refuses to open a folder; Linux refuses to open a Unix socket.
    if (code === 'EISDIR') return { kind: 'folder' };
    if (code === 'ENXIO') return { kind: 'socket' };
    throw err;
  }
  const st = fs.fstatSync(fd);
  const kind = kindOf(st);
  if (kind === 'file') return { kind, fd, size: st.size, mode: st.mode };
  fs.closeSync(fd);
  return { kind };
}

/** "… is a folder, not a file": what the path is, in words a user recognises. */
export function notAFile(file: string, kind: Exclude<FileKind, 'file'>): string {
  return kind === 'folder' ? `${file} is a folder, not a file` : `${file} is a ${kind === 'FIFO' ? 'FIFO (named pipe)' : kind}, not a regular file`;
}
