// The capture test's relay (test/renderer/ws-relay.ts) carries the capture contract's messages unchanged: what the
// page's worker encodes, this side decodes, and back, samples included.
import { describe, expect, it } from 'vitest';
import { CaptureReportSchema } from '../../../main/core/contracts/capture.js';
import { decodeWire, encodeWire, WIRE_SCRIPT, type Route } from '../../renderer/ws-relay.js';

type Wire = { [k: string]: unknown };
// The worker's half, run here: the same script text the relay worker gets.
const worker = new Function(`${WIRE_SCRIPT}; return { encodeWire, decodeWire };`)() as { encodeWire(m: Wire, route?: Route): ArrayBuffer; decodeWire(b: ArrayBuffer): [Wire, ArrayBuffer[], Route] };

describe("the capture relay's wire format", () => {
  it("brings a frame from the page's worker to this side as the contract's message", () => {
    const pcm = Int16Array.from({ length: 512 }, (_, i) => (i * 97) % 30000 - 15000);
    const frame = { type: 'frame', session: 3, seq: 41, pcm: pcm.slice().buffer, audioEndMs: 1796003208821.2139, levelDb: -23.5 };
    // As the worker sends it: it came on the page's transferred port number 2.
    const decoded = decodeWire(Buffer.from(worker.encodeWire(frame, { from: 2 })));
    expect(decoded.route).toEqual({ from: 2 });
    const parsed = CaptureReportSchema.parse(decoded.msg);
    expect(parsed).toMatchObject({ type: 'frame', session: 3, seq: 41, audioEndMs: 1796003208821.2139, levelDb: -23.5 });
    expect(new Int16Array((parsed as { pcm: ArrayBuffer }).pcm)).toEqual(pcm);
  });

  it('brings a command with reply audio to the worker, its buffer ready to transfer', () => {
    const pcm = Int16Array.from([1, -2, 32767, -32768]);
    const bytes = encodeWire({ type: 'play', sampleRate: 24000, pcm: pcm.slice().buffer });
    const [msg, transfer, route] = worker.decodeWire(new Uint8Array(bytes).buffer);
    expect(route).toEqual({});
    expect(msg).toMatchObject({ type: 'play', sampleRate: 24000 });
    expect(new Int16Array(msg.pcm as ArrayBuffer)).toEqual(pcm);
    expect(transfer).toEqual([msg.pcm]);
    expect(decodeWire(encodeWire({ type: 'stop' })).msg).toEqual({ type: 'stop' });
  });

  it('names the ports a report carries, and the port this side closes', () => {
    expect(decodeWire(Buffer.from(worker.encodeWire({ type: 'frames', session: 4 }, { ports: [0] })))).toEqual({ msg: { type: 'frames', session: 4 }, route: { ports: [0] } });
    expect(worker.decodeWire(new Uint8Array(encodeWire({}, { close: 0 })).buffer)[2]).toEqual({ close: 0 });
  });
});
