// The capture page: no UI, no bridge. Its preload hands it one MessagePort (window.postMessage with
// CAPTURE_PORT_MESSAGE); every command that arrives there is checked against the contract before it acts.
import { CAPTURE_PORT_MESSAGE, CaptureCommandSchema, type CaptureReport } from '../../../main/core/contracts/capture.js';
import workerUrl from './capture-worker.ts?worker&url';
import { Microphone } from './microphone.js';
import { ReplyPlayer } from './playback.js';

function serve(port: MessagePort): void {
  const report = (msg: CaptureReport, transfer: Transferable[] = []) => port.postMessage(msg, transfer);
  const microphone = new Microphone(workerUrl, report);
  const player = new ReplyPlayer(report);
  port.onmessage = (e: MessageEvent<unknown>) => {
    const parsed = CaptureCommandSchema.safeParse(e.data);
    if (!parsed.success) return;
    const cmd = parsed.data;
    switch (cmd.type) {
      case 'start':
        void microphone.start(cmd);
        break;
      case 'stop':
        microphone.stop();
        break;
      case 'devices':
        void microphone.devices().catch(() => report({ type: 'devices', devices: [] }));
        break;
      case 'play':
        player.play(new Int16Array(cmd.pcm), cmd.sampleRate);
        break;
      case 'drain':
        player.drain();
        break;
      case 'silence':
        player.silence();
        break;
    }
  };
}

// Only the first port counts: a later message cannot swap the channel main set up.
let served = false;
window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (served || e.source !== window || e.data !== CAPTURE_PORT_MESSAGE || !e.ports[0]) return;
  served = true;
  serve(e.ports[0]);
});
