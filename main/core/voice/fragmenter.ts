// Cuts the LLM's token stream into speakable fragments: the first one as early as possible (three words, or a
// full sentence if shorter) so speech starts while the model still writes, then sentence by sentence; never
// inside a number, a URL or an abbreviation.

const SENTENCE_END = /[.!?…]/;
const CLAUSE_END = /[,;:—–]/;
const CLOSERS = /["')\]”’]/;
/** Tokens (lower case, without their final period) whose period does not end a sentence. */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'ft', 'vs', 'etc', 'e.g', 'i.e', 'approx', 'inc', 'ltd',
  'co', 'corp', 'fig', 'no', 'vol', 'a.m', 'p.m', 'u.s', 'u.k', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug',
  'sep', 'sept', 'oct', 'nov', 'dec', 'min', 'max', 'est', 'dept',
]);

export interface FragmenterOptions {
  /** Words in the first fragment unless a sentence ends sooner. */
  firstWords: number;
  /** A later sentence longer than this many words is cut at a clause boundary, so speech does not stall. */
  maxWords: number;
}

export const DEFAULT_FRAGMENTER: FragmenterOptions = { firstWords: 3, maxWords: 24 };

export class Fragmenter {
  private buffer = '';
  private emitted = 0;

  constructor(private readonly options: FragmenterOptions = DEFAULT_FRAGMENTER) {}

  /** Adds streamed text; returns the fragments it completed. */
  push(text: string): string[] {
    this.buffer += text;
    const out: string[] = [];
    for (let cut = this.findCut(); cut > 0; cut = this.findCut()) {
      const fragment = clean(this.buffer.slice(0, cut));
      this.buffer = this.buffer.slice(cut);
      if (fragment) {
        out.push(fragment);
        this.emitted++;
      }
    }
    return out;
  }

  /** The rest of the reply once the stream ended. */
  flush(): string[] {
    const rest = clean(this.buffer);
    this.buffer = '';
    if (!rest) return [];
    this.emitted++;
    return [rest];
  }

  /** Index just after the first place the buffer may be cut, or -1. */
  private findCut(): number {
    const b = this.buffer;
    const first = this.emitted === 0;
    let words = 0;
    let inWord = false;
    for (let i = 0; i < b.length; i++) {
      const ch = b[i] as string;
      const next = b[i + 1];
      const space = /\s/.test(ch);
      if (!space && !inWord) words++;
      inWord = !space;
      if (ch === '\n' && next === '\n' && words > 0) return i + 2;
      // A word is complete at the whitespace after it; punctuation ends something only once whitespace follows.
      if (space) {
        if (first && words >= this.options.firstWords && mayCutAfterWord(b, i)) return i + 1;
        continue;
      }
      if (next === undefined || !/\s/.test(next)) continue;
      const mark = CLOSERS.test(ch) ? trailingMark(b, i) : ch;
      if (SENTENCE_END.test(mark) && !isAbbreviation(b, i)) return i + 1;
      if (CLAUSE_END.test(mark) && words >= (first ? this.options.firstWords : this.options.maxWords)) return i + 1;
    }
    return -1;
  }
}

/** The punctuation before closing quotes or brackets: `."` ends a sentence like `.` does. */
function trailingMark(b: string, i: number): string {
  let j = i;
  while (j >= 0 && CLOSERS.test(b[j] as string)) j--;
  return j >= 0 ? (b[j] as string) : '';
}

function lastToken(b: string, end: number): string {
  let start = end;
  while (start > 0 && !/\s/.test(b[start - 1] as string)) start--;
  return b.slice(start, end + 1);
}

function isAbbreviation(b: string, i: number): boolean {
  if (b[i] !== '.') return false;
  const token = lastToken(b, i).replace(/^["'(\[]+/, '').slice(0, -1).toLowerCase();
  // A single letter is an initial ("J. R. R. Tolkien").
  return ABBREVIATIONS.has(token) || /^[a-z]$/.test(token);
}

/** A word-count cut sits at the whitespace at `i`; not after a number ("5 | million") or an abbreviation. */
function mayCutAfterWord(b: string, i: number): boolean {
  let end = i;
  while (end > 0 && /\s/.test(b[end - 1] as string)) end--;
  if (end === 0) return false;
  const token = lastToken(b, end - 1);
  if (/\d[%]?$/.test(token) || /^[$€£]/.test(token)) return false;
  if (token.endsWith('.') && isAbbreviation(b, end - 1)) return false;
  return true;
}

/** What a TTS engine should not read aloud: markdown emphasis, headings and code marks. */
function clean(text: string): string {
  return text.replace(/[*#`]+/g, '').replace(/\s+/g, ' ').trim();
}
