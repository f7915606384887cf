// Memory in a voice turn: before the LLM call, the question's embedding finds the most relevant remembered items
// beyond the recent turns, which go into the prompt as one system message, dated, within a token budget; the
// spoken commands; and each answered exchange kept (embedded after the reply, off the latency path).
import type { ChatMessage } from '../voice/engines.js';
import type { MemoryCommand, TurnMemory } from '../voice/memory-hook.js';
import { parseCommand } from './commands.js';
import type { TextEmbedder } from './embedder.js';
import type { FoundMemory, MemoryStore } from './store.js';

export interface VoiceMemoryOptions {
  /** Most items recalled into a prompt (voice.recallItems); 0 turns recall off. */
  items: number;
  /** About how many tokens they may take (voice.recallTokens). */
  tokens: number;
  /** The newest answered turns the prompt carries already (voice.memoryTurns): not recalled twice. */
  recentTurns: number;
  /** Items less similar than this (cosine) are not relevant enough to recall, forget or report. */
  minSimilarity?: number;
  /** Told when keeping a turn fails (the reply was given; only its memory is lost). */
  onError?: (err: unknown) => void;
}

export const MEMORY_HEADER = 'Memories from earlier conversations with the user (dated; use them only when they help answer):';
/** A rough token count (about four characters a token in English), enough to keep the prompt inside its budget. */
export const approxTokens = (text: string) => Math.ceil(text.length / 4);

export class VoiceMemory implements TurnMemory {
  private pending: Promise<void> = Promise.resolve();
  private readonly minSimilarity: number;

  constructor(
    /** Also the window's memory search's, while it names the same model: one copy of its weights in the agent. */
    readonly embedder: TextEmbedder,
    private readonly store: MemoryStore,
    private readonly opts: VoiceMemoryOptions,
  ) {
    this.minSimilarity = opts.minSimilarity ?? 0.3;
  }

  async command(transcript: string): Promise<MemoryCommand | null> {
    const c = parseCommand(transcript);
    if (!c) return null;
    if (c.kind === 'remember') {
      const vector = await this.embedder.embed(c.text);
      return {
        say: `Okay, I'll remember${c.private ? ', on this computer only,' : ''} that ${c.text[0]!.toLowerCase()}${c.text.slice(1)}`,
        apply: () => this.enqueue(async () => void this.store.add({ kind: 'fact', text: c.text, vector, model: this.embedder.model, private: c.private })),
      };
    }
    const found = this.relevant(await this.embedder.embed(c.about), c.kind === 'forget' ? 1 : 3, 0);
    if (found.length === 0) return { say: `I don't remember anything about ${c.about}.` };
    if (c.kind === 'forget') {
      const item = found[0]!;
      return { say: `I've forgotten: ${item.text}`, apply: () => this.enqueue(async () => void this.store.forget([item.id])) };
    }
    return { say: `I remember: ${found.map((f) => f.text).join(' ')}` };
  }

  async recall(transcript: string): Promise<ChatMessage | null> {
    if (this.opts.items <= 0 || this.store.isEmpty()) return null;
    const found = this.relevant(await this.embedder.embed(transcript), this.opts.items, this.opts.recentTurns);
    const lines: string[] = [];
    let used = approxTokens(MEMORY_HEADER);
    for (const f of found) {
      const line = `- ${f.at.slice(0, 10)}: ${f.text.replace(/\s+/g, ' ')}`;
      const cost = approxTokens(line);
      if (used + cost > this.opts.tokens) continue;
      lines.push(line);
      used += cost;
    }
    return lines.length > 0 ? { role: 'system', content: `${MEMORY_HEADER}\n${lines.join('\n')}` } : null;
  }

  keep(transcript: string, reply: string): void {
    const text = `Q: ${transcript}\nA: ${reply}`;
    void this.enqueue(async () => void this.store.add({ kind: 'turn', text, vector: await this.embedder.embed(text), model: this.embedder.model })).catch((err: unknown) => this.opts.onError?.(err));
  }

  /** Writes one after another, in the order the turns ended. */
  private enqueue(write: () => Promise<void>): Promise<void> {
    const done = this.pending.then(write);
    this.pending = done.catch(() => undefined);
    return done;
  }

  /** Resolves once every kept turn and applied command is stored (tests, shutdown). */
  idle(): Promise<void> {
    return this.pending;
  }

  private relevant(vector: Float32Array, k: number, skipRecentTurns: number): FoundMemory[] {
    return this.store.search(vector, k, skipRecentTurns).filter((f) => 1 - f.distance >= this.minSimilarity);
  }
}
