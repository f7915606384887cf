// The tunnel's errors: each says what failed (interface, command, key or config line) and what to do next.
import { JettError } from '../errors.js';

export class TunnelError extends JettError {}
/** A key or wg-quick config that does not validate; the message names the line or field, never a key's value. */
export class TunnelConfigError extends JettError {}
