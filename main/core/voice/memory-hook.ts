// What a voice turn asks of memory, so the pipeline does not depend on how memory works: a spoken memory command
// answered without the LLM, the relevant past items for the prompt, and keeping an answered turn.
import type { ChatMessage } from './engines.js';

/** A spoken "remember/forget/what do you remember" turn: what Jett says, and what it changes once the turn is answered. */
export interface MemoryCommand {
  say: string;
  /** Runs only if the reply was really given (a held reply that was dropped changes nothing). */
  apply?: () => Promise<void>;
}

export interface TurnMemory {
  command(transcript: string): Promise<MemoryCommand | null>;
  /** A system message with the remembered items most relevant to the question, or null when none are. */
  recall(transcript: string): Promise<ChatMessage | null>;
  /** An answered exchange, embedded and kept off the latency path. */
  keep(transcript: string, reply: string): void;
}

/** What the turn says: a given text, or the LLM's answer to these messages. */
export type PreparedReply = { kind: 'text'; text: string } | { kind: 'chat'; messages: ChatMessage[] };
