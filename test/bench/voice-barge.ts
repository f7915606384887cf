// bench:voice's `barge_in` figures: replies played into echo rooms (delay and level differ per room, on the sample
// clock) with Jett's echo suppression and the real Silero VAD; in every other reply the user speaks over it. Barge-in
// time is the user's speech onset to playback stopped (the reply is hushed at a likely onset), in capture samples,
// and the cancel time the onset to the reply cancelled (the turn's start confirmed); a reply cut by its own echo
// (before the user spoke, or with no user at all) is a self-interruption, a hush that came to nothing a false hush. The same user onsets are also measured with no
// echo at all (headphones: a silent room, barge-in on): the floor the VAD's start rule sets, for comparison.
import type { BargeInBench } from '../../main/harness/bench/results.js';
import { EventBus } from '../../main/core/events/bus.js';
import { createLogger } from '../../main/core/log/logger.js';
import { DEFAULT_ENDPOINT, samplesToMs } from '../../main/core/voice/endpointer.js';
import { VoicePipeline } from '../../main/core/voice/pipeline.js';
import { ScriptedLanguageModel, ScriptedSpeechToText } from '../../main/core/voice/test-engines.js';
import type { SileroVad } from '../../main/core/voice/vad.js';
import { ms, speak } from '../helpers/audio.js';
import { EchoRoom, PreparedSpeech, speakAt, type RoomOptions } from '../helpers/echo-room.js';

const REPLY_RATE = 22_050;
const REPLIES = [
  'The meeting with Anna moved to Thursday at three. I added it to your calendar and told the others.',
  'It is eleven degrees outside with a light wind from the north. Take a jacket if you go out tonight.',
  'Your package left the warehouse this morning and should arrive tomorrow before noon.',
  'I found three recipes with lentils. The first one takes twenty minutes and needs no oven.',
];
const USERS = ['Stop, wait a moment', 'No, the other one please', 'Hold on', 'Actually cancel that'];

/** Rooms from a close desk to a far, loud speaker: delay 40-260 ms, echo 9 dB below to 3 dB below the reply. */
function room(i: number): RoomOptions {
  const delay = ms(40 + ((i * 37) % 220));
  const gain = 0.35 + ((i * 0.13) % 0.35);
  return { delay, gain, reflections: [[ms(7 + (i % 5)), 0.5], [ms(23 + (i % 7)), 0.3], [ms(55 + (i % 11)), 0.15]], seed: i + 1 };
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

interface Played {
  /** The user's onset on the capture clock (-1: no user in this reply). */
  onset: number;
  /** Where playback was first stopped (hushed or cut) at or after the onset, if it was. */
  stop: number | undefined;
  /** Where the reply was cancelled (the capture clock when the turn's start was confirmed), if it was. */
  cancel: number | undefined;
  /** Hushes that came to nothing: the reply opened the speaker again to go on. */
  falseHushes: number;
  cut: boolean;
}

export async function measureBargeIn(vad: SileroVad, say: (line: string) => void, count = 24): Promise<BargeInBench> {
  const logger = createLogger({ sink: () => undefined, format: 'json' });
  const replies = await Promise.all(REPLIES.map((t) => speakAt(t, REPLY_RATE)));
  const users = await Promise.all(USERS.map((t) => speak(t)));

  /** Reply i in its room (or, with `echo` false, on headphones: nothing comes back, nothing is suppressed). */
  async function play(i: number, withUser: boolean, echo: boolean): Promise<Played> {
    const r = new EchoRoom(echo ? room(i) : { ...room(i), gain: 0, reflections: [] });
    let onset = -1;
    r.onPlaybackStart = (at) => {
      // A reply that goes on after a hush opens the speaker again: the user speaks once.
      if (!withUser || onset >= 0) return;
      onset = at + ms(900 + ((i * 173) % 1500));
      r.say(onset, users[i % users.length] as Int16Array);
    };
    const bus = new EventBus();
    let cancel: number | undefined;
    bus.on('voice.stage', (e) => {
      if (e.type === 'vad-start' && cancel === undefined) cancel = r.now;
    });
    const pipeline = new VoicePipeline({
      bus,
      engines: { stt: new ScriptedSpeechToText({ text: () => 'stop' }), llm: new ScriptedLanguageModel({ reply: 'Okay.' }), tts: new PreparedSpeech(replies[i % replies.length] as Int16Array, REPLY_RATE) },
      sink: r.sink,
      vad,
      openSource: () => r.source,
      logger,
      options: { activation: 'handsFree', bargeIn: echo ? 'auto' : 'on', endpoint: DEFAULT_ENDPOINT, memoryTurns: 0, systemPrompt: 'be brief' },
    });
    await pipeline.start();
    const record = await pipeline.speak('Reply.');
    await pipeline.stop();
    vad.reset();
    const cut = record.outcome === 'cancelled' && cancel !== undefined;
    const from = withUser ? onset : Number.POSITIVE_INFINITY;
    return { onset, stop: r.stops.find((s) => s >= from), cancel, falseHushes: r.starts.length - 1, cut };
  }

  const times: number[] = [];
  const cancels: number[] = [];
  const noEcho: number[] = [];
  let self = 0;
  let missed = 0;
  let falseHushes = 0;
  for (let i = 0; i < count; i++) {
    const withUser = i % 2 === 1;
    const p = await play(i, withUser, true);
    falseHushes += p.falseHushes;
    const mine = p.cut && (!withUser || (p.cancel as number) < p.onset);
    if (mine) self++;
    else if (withUser && !p.cut) missed++;
    else if (withUser) {
      times.push(samplesToMs((p.stop as number) - p.onset));
      cancels.push(samplesToMs((p.cancel as number) - p.onset));
    }
    let floor = '';
    if (withUser) {
      const alone = await play(i, true, false);
      if (alone.cut && alone.stop !== undefined) {
        noEcho.push(samplesToMs(alone.stop - alone.onset));
        floor = ` (${Math.round(samplesToMs(alone.stop - alone.onset))} ms with no echo)`;
      }
    }
    const hushes = p.falseHushes > 0 ? `, ${p.falseHushes} false hush${p.falseHushes > 1 ? 'es' : ''}` : '';
    const user = mine ? 'CUT BY ITS OWN ECHO before the user spoke' : p.cut ? `stopped after ${Math.round(samplesToMs((p.stop as number) - p.onset))} ms, cancelled after ${Math.round(samplesToMs((p.cancel as number) - p.onset))} ms${floor}` : 'NOT stopped';
    say(`  reply ${i + 1}: room delay ${Math.round(samplesToMs(room(i).delay))} ms, ${withUser ? `user speaks, ${user}` : `echo only, ${mine ? 'CUT BY ITS OWN ECHO' : 'played to its end'}`}${hushes}`);
  }
  const round = (v: number) => Math.round(v * 10) / 10;
  return { replies: count, barge_in_ms_p95: round(pct(times, 95)), cancel_ms_p95: round(pct(cancels, 95)), self_interruptions: self, false_hushes: falseHushes, missed, no_echo_ms_p95: round(pct(noEcho, 95)) };
}
