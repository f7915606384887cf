// The control endpoint's proofs: each end shows it knows JETT_HOME/control.token by an HMAC over both ends' fresh
// nonces, so the token never crosses the socket and a proof seen on one connection is worth nothing on another.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CONTROL_PROTOCOL } from '../contracts/control.js';

export function newNonce(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The client signs (agent nonce, client nonce), the agent signs (client nonce, agent nonce), each under its own role
 * label: an answer from one end can never be replayed as the other end's, nor reflected back to its sender.
 */
export function proofFor(secret: string, role: 'client' | 'server', agentNonce: string, clientNonce: string): string {
  const [first, second] = role === 'client' ? [agentNonce, clientNonce] : [clientNonce, agentNonce];
  return createHmac('sha256', secret).update(`${CONTROL_PROTOCOL}|${role}|${first}|${second}`).digest('hex');
}

/** Constant-time: how much of a forged proof matched must not show in how long the refusal took. */
export function proofMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(given, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
