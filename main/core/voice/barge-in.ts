// Whether speech during a reply may interrupt it: decided at run time from what is trusted to keep the reply's own
// voice out of the decision (Chromium's echo canceller, measured; Jett's own echo suppression), with the reason the
// status snapshot and the window show.
import type { BargeInSetting, BargeInStatus } from '../contracts/voice.js';

/** Chromium's canceller is trusted when it removed at least this much of the reply's echo (measured, not assumed). */
export const TRUSTED_AEC_REDUCTION_DB = 20;

export interface BargeInInputs {
  setting: BargeInSetting;
  /** How much Chromium's canceller removed of the reply's echo, in dB; null when not measured (sox capture). */
  aecReductionDb: number | null;
  /** Jett's own suppression runs: the capture path's playback goes through Jett's sink on the capture clock. */
  ownSuppression: boolean;
}

export interface BargeInDecision extends BargeInStatus {
  /** Jett's echo suppression is applied to the capture. */
  suppression: boolean;
}

export function decideBargeIn({ setting, aecReductionDb, ownSuppression }: BargeInInputs): BargeInDecision {
  if (setting === 'off') return { active: false, suppression: false, reason: 'barge-in is off in the settings (voice.bargeIn)' };
  if (setting === 'on') return { active: true, suppression: false, reason: 'barge-in is on in the settings: nothing is discounted, so use headphones or an echo-cancelling microphone' };
  const aec = aecReductionDb === null ? null : Math.round(aecReductionDb);
  const aecTrusted = aec !== null && aec >= TRUSTED_AEC_REDUCTION_DB;
  if (aecTrusted) {
    return { active: true, suppression: ownSuppression, reason: `on: the echo canceller removes ${aec} dB of the reply's echo${ownSuppression ? ", and Jett discounts speech that matches what it plays" : ''}` };
  }
  const aecWhy = aec === null ? '' : `; the echo canceller removed only ${aec} dB of the reply's echo (${TRUSTED_AEC_REDUCTION_DB} dB needed)`;
  if (ownSuppression) return { active: true, suppression: true, reason: `on: Jett discounts speech that matches what it plays${aecWhy}` };
  return {
    active: false,
    suppression: false,
    reason: `off: nothing keeps the reply's own voice out of the microphone${aecWhy || ' (the echo canceller was not measured)'}, and Jett cannot see this capture path's playback; use headphones and set voice.bargeIn to on`,
  };
}
