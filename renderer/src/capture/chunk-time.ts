// A chunk of microphone audio's place on the wall clock: when its first sample was heard (epoch ms), from the
// AudioData's timestamp. Free of Web APIs so a unit test runs it on known readings.

/** What the capture worker knows of one chunk when it arrives. */
export interface ChunkReading {
  /** AudioData.timestamp: microseconds on the performance clock of the context that made the AudioData. */
  timestampUs: number;
  frames: number;
  sampleRate: number;
  /** The worker's performance.now() when the chunk arrived. */
  arrivedMs: number;
  /** performance.timeOrigin of the worker, and of the page that made the track processor. */
  workerTimeOrigin: number;
  pageTimeOrigin: number;
}

/**
 * Chromium stamps a chunk with the capture time of its first sample, on the clock of the context that made the
 * AudioData: the worker's, except for chunks queued before the page transferred the stream (measured here: the first
 * one), which carry the page's. Read on the worker's clock such a chunk would lie after its own arrival, which no
 * chunk can, so it is read on the page's. And no device hands over a sample before it heard it: the last sample was
 * heard by the chunk's arrival at the latest (Chromium's fake device stamps chunks when it hands them over, a whole
 * chunk after their first sample; real devices stamp the first sample's capture).
 */
export function chunkStartMs(r: ChunkReading): number {
  const arrived = r.workerTimeOrigin + r.arrivedMs;
  const onWorker = r.workerTimeOrigin + r.timestampUs / 1000;
  const stamped = onWorker <= arrived ? onWorker : r.pageTimeOrigin + r.timestampUs / 1000;
  return Math.min(stamped, arrived - (r.frames / r.sampleRate) * 1000);
}
