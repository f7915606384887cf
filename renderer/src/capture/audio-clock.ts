// A capture frame's audio time: when its last sample reached the microphone, on the wall clock. Free of Web Audio
// so a unit test runs it on known readings. The AudioContext's clock says when a context time was rendered (the
// worklet saw that input); the microphone heard it earlier by the input latency the track reports.

/** What the page reads from its AudioContext (and the track) when a frame arrives. */
export interface ClockReading {
  /** getOutputTimestamp(): the context time the output device plays at `outputPerformanceTime`. */
  outputContextTime: number | undefined;
  /** performance.now() time of that; Chromium answers 0 until the output has started. */
  outputPerformanceTime: number | undefined;
  currentTime: number;
  /** Seconds the context renders ahead of handing audio to the system, and the system's own output delay. */
  baseLatency: number;
  outputLatency: number;
  /** performance.now() at the reading. */
  now: number;
  /** Seconds from the microphone to the context (MediaTrackSettings.latency); 0 where the track reports none. */
  inputLatency: number;
}

/** performance.now() time at which the context rendered context time `t` (seconds). */
export function renderedAt(t: number, r: ClockReading): number {
  if (r.outputPerformanceTime) {
    // The output plays a context time later than it was rendered, by the context's and the system's latency.
    const ahead = (r.baseLatency + (r.outputLatency || 0)) * 1000;
    return r.outputPerformanceTime + (t - (r.outputContextTime ?? 0)) * 1000 - ahead;
  }
  // Before the output has started: the context has rendered up to currentTime by now.
  return r.now - (r.currentTime - t) * 1000;
}

/** The audio time (performance.now() scale) of a sample rendered at context time `t`: when the microphone heard it. */
export function heardAt(t: number, r: ClockReading): number {
  return renderedAt(t, r) - (Number.isFinite(r.inputLatency) && r.inputLatency > 0 ? r.inputLatency * 1000 : 0);
}

/**
 * Where the context's clock sits on the wall clock at one reading: context time `contextTime` (seconds) was heard
 * at `epochMs`. The capture worklet, which has no wall clock of its own, places each frame with it.
 */
export interface ClockMapping {
  contextTime: number;
  epochMs: number;
}

/** The reading as a mapping: at any context time, the same as heardAt on that reading (both move 1 ms per ms). */
export function clockMapping(r: ClockReading, timeOrigin: number): ClockMapping {
  return { contextTime: r.currentTime, epochMs: timeOrigin + heardAt(r.currentTime, r) };
}

/** The wall-clock time (epoch ms) at which the microphone heard context time `t`. */
export function heardAtEpoch(t: number, m: ClockMapping): number {
  return m.epochMs + (t - m.contextTime) * 1000;
}
