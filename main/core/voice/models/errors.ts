// The model manager's errors: each says what failed and, in `fix`, what the user does next.
import { JettError } from '../../errors.js';

export class ModelError extends JettError {}
/** The server could not be reached, answered an error, or stopped sending. */
export class DownloadError extends ModelError {}
/** A downloaded or installed file does not match the sha256 it must have. */
export class ChecksumError extends ModelError {}
/** Not enough free disk for a download, or the disk filled up while writing. */
export class DiskSpaceError extends ModelError {}
