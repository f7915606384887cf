// Reply audio through an <audio> element: Chromium's echo canceller takes its reference from media-element
// playback (not from Web Audio output: measured, see README Voice), so replies must be heard this way. Audio that
// arrives while a piece plays is joined into the next piece, so a reply plays in as few pieces as it arrived.

/** A mono S16 WAV file around the samples. */
export function wavBlob(chunks: Int16Array[], rate: number): Blob {
  const samples = chunks.reduce((n, c) => n + c.length, 0);
  const header = new DataView(new ArrayBuffer(44));
  const text = (at: number, s: string) => [...s].forEach((ch, i) => header.setUint8(at + i, ch.charCodeAt(0)));
  text(0, 'RIFF');
  header.setUint32(4, 36 + samples * 2, true);
  text(8, 'WAVEfmt ');
  header.setUint32(16, 16, true);
  header.setUint16(20, 1, true);
  header.setUint16(22, 1, true);
  header.setUint32(24, rate, true);
  header.setUint32(28, rate * 2, true);
  header.setUint16(32, 2, true);
  header.setUint16(34, 16, true);
  text(36, 'data');
  header.setUint32(40, samples * 2, true);
  return new Blob([header.buffer, ...chunks.map((c) => c.slice().buffer)], { type: 'audio/wav' });
}

export class ReplyPlayer {
  private pending: Int16Array[] = [];
  private rate = 0;
  private element: HTMLAudioElement | null = null;
  private url: string | null = null;
  private draining = false;

  constructor(private readonly report: (msg: { type: 'played' } | { type: 'play-failed'; detail: string }) => void) {}

  play(pcm: Int16Array, rate: number): void {
    if (this.rate !== rate && this.pending.length > 0) this.flush();
    this.rate = rate;
    this.pending.push(pcm);
    if (!this.element) this.flush();
  }

  drain(): void {
    this.draining = true;
    if (!this.element && this.pending.length === 0) this.finish();
  }

  silence(): void {
    this.pending = [];
    this.release();
    if (this.draining) this.finish();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const blob = wavBlob(this.pending, this.rate);
    this.pending = [];
    this.release();
    const url = URL.createObjectURL(blob);
    const el = new Audio(url);
    this.url = url;
    this.element = el;
    el.onended = () => {
      if (this.element !== el) return;
      this.release();
      if (this.pending.length > 0) this.flush();
      else if (this.draining) this.finish();
    };
    el.onerror = () => this.failed(el, `the <audio> element could not play the reply (${el.error?.message ?? 'media error'})`);
    el.play().catch((err: unknown) => this.failed(el, `the <audio> element refused to play: ${String(err)}`));
  }

  private failed(el: HTMLAudioElement, detail: string): void {
    if (this.element !== el) return;
    this.pending = [];
    this.release();
    this.draining = false;
    this.report({ type: 'play-failed', detail: detail.slice(0, 500) });
  }

  private finish(): void {
    this.draining = false;
    this.report({ type: 'played' });
  }

  private release(): void {
    const el = this.element;
    this.element = null;
    if (el) {
      el.onended = null;
      el.onerror = null;
      el.pause();
      el.removeAttribute('src');
    }
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
  }
}
