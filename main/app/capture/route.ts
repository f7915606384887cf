// The tray app's audio route: with voice.capture "app" (the default on every OS) the pipeline hears the capture
// page's microphone and speaks through its <audio> element; with "sox" it falls back to sox, as the headless agent.
import type { Config } from '../../core/contracts/config.js';
import { PageCaptureSource, PagePlaybackSink, type CapturePage } from '../../core/voice/page-capture.js';
import type { AudioRoute } from '../../core/voice/setup.js';

export function captureSettings(config: Config) {
  const v = config.voice;
  return { deviceId: v.captureDevice, echoCancellation: v.echoCancellation, noiseSuppression: v.noiseSuppression, autoGainControl: v.autoGainControl };
}

export function appAudioRoute(page: CapturePage, platform: NodeJS.Platform): AudioRoute {
  return (config, logger) => {
    if (config.voice.capture !== 'app') return null;
    const settings = captureSettings(config);
    return { openSource: () => new PageCaptureSource(page, { settings, platform, log: logger }), sink: new PagePlaybackSink(page) };
  };
}
