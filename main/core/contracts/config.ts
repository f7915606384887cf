// The configuration schema: every key, its type, its default (the reference layout of DESIGN.md) and its doc line.
import { z } from 'zod';
import { DEFAULT_WAKE_THRESHOLD, WAKE_WORDS } from './wake.js';

const ifaceName = z
  .string()
  .regex(/^[a-zA-Z0-9_=+.-]{1,15}$/, 'an interface name is 1-15 characters of letters, digits and _=+.-');
const ipv4 = z.ipv4({ message: 'expected an IPv4 address such as 10.0.0.2' });
const cidr4 = z.cidrv4({ message: 'expected an IPv4 CIDR such as 10.0.0.1/24' });
const port = z.number().int().min(1).max(65535);
const httpUrl = z.url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' });
/** The wake-word heads Jett ships, and none: any speech starts a hands-free turn. */
const WAKE_WORD_CHOICES = [...WAKE_WORDS, 'none'] as const;

export const ConfigSchema = z.strictObject({
  tunnel: z
    .strictObject({
      interface: ifaceName.default('jett0'),
      address: cidr4.default('10.0.0.1/24'),
      peerAddress: ipv4.default('10.0.0.2'),
      endpoint: z
        .string()
        .regex(/^$|^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected HOST:PORT, e.g. vps.example.org:51820')
        .default(''),
      peerPublicKey: z
        .string()
        .regex(/^$|^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, 'expected a WireGuard public key: base64 of 32 bytes')
        .default(''),
      listenPort: port.default(51820),
      keepalive: z.number().int().min(0).max(65535).default(25),
      pollSeconds: z.number().int().min(1).max(300).default(5),
      autoConnect: z.boolean().default(true),
    })
    .prefault({}),
  postgres: z
    .strictObject({
      host: z.string().min(1).default('10.0.0.2'),
      port: port.default(5432),
      database: z.string().min(1).default('jett'),
      user: z.string().min(1).default('jett'),
    })
    .prefault({}),
  heartbeat: z
    .strictObject({
      url: httpUrl.default('http://10.0.0.2:5678/webhook/heartbeat'),
      intervalS: z.number().int().min(1).max(3600).default(60),
    })
    .prefault({}),
  outbox: z
    .strictObject({
      retentionDays: z.number().min(0).max(3650).default(7),
    })
    .prefault({}),
  sync: z
    .strictObject({
      batchRows: z.number().int().min(1).max(5000).default(5000),
      batchBytes: z.number().int().min(1024).max(8_388_608).default(2_097_152),
      pollSeconds: z.number().int().min(1).max(3600).default(30),
    })
    .prefault({}),
  qdrant: z
    .strictObject({
      url: httpUrl.default('http://10.0.0.2:6333'),
      collection: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a collection name is 1-64 letters, digits, _ and -').default('jett_memory'),
    })
    .prefault({}),
  ollama: z
    .strictObject({
      host: httpUrl.default('http://127.0.0.1:11434'),
      model: z.string().min(1).default('llama3.2:3b'),
      keepAlive: z.string().min(1).default('30m'),
    })
    .prefault({}),
  voice: z
    .strictObject({
      enabled: z.boolean().default(true),
      hotkey: z.string().min(1).default('Ctrl+Alt+J'),
      inputDevice: z.string().min(1).default('default'),
      silenceMs: z.number().int().min(100).max(5000).default(300),
      preemptMs: z.number().int().min(0).max(5000).default(150),
      activation: z.enum(['hotkey', 'handsFree', 'pushToTalk']).default('hotkey'),
      bargeIn: z.enum(['off', 'on', 'auto']).default('auto'),
      recorder: z.enum(['sox', 'arecord']).default('sox'),
      memoryTurns: z.number().int().min(0).max(50).default(6),
      recallItems: z.number().int().min(0).max(20).default(5),
      recallTokens: z.number().int().min(50).max(4000).default(400),
      systemPrompt: z.string().min(1).default('You are Jett, a voice assistant. Answer in one to three short spoken sentences, without markdown.'),
      // The tray app's capture in Chromium (issue 14): which microphone, and its audio processing.
      capture: z.enum(['app', 'sox']).default('app'),
      captureDevice: z.string().max(512).default(''),
      echoCancellation: z.boolean().default(true),
      noiseSuppression: z.boolean().default(true),
      autoGainControl: z.boolean().default(true),
      wakeWord: z
        .enum(WAKE_WORD_CHOICES, { error: () => `one of ${WAKE_WORD_CHOICES.join(', ')} (none: any speech starts a turn in hands-free mode)` })
        .default('hey_jarvis'),
      wakeThreshold: z
        .number({ error: () => 'a number from 0 to 1 (the wake-word score that counts as a detection; 0.5 to start)' })
        .gt(0, 'above 0: a threshold of 0 would wake on everything')
        .max(1, 'at most 1: scores never exceed 1')
        .default(DEFAULT_WAKE_THRESHOLD),
    })
    .prefault({}),
  models: z
    .strictObject({
      dir: z.string().default(''),
      stt: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'a model name from `jett models list`').default('whisper-base'),
      sttLanguage: z.string().regex(/^[a-z][a-z ]*$/, 'a Whisper language code or name such as en or german').default('en'),
      tts: z.string().regex(/^$|^[a-z0-9][a-z0-9.-]*$/, 'a model name from `jett models list`, or empty').default('kokoro-82m'),
      ttsVoice: z.string().min(1).default('af_heart'),
      ttsSpeed: z.number().min(0.5).max(2).default(1),
      executionProvider: z.enum(['auto', 'dml', 'cuda', 'cpu']).default('auto'),
      embed: z.string().regex(/^$|^[a-z0-9][a-z0-9.-]*$/, 'a model name from `jett models list`, or empty').default(''),
    })
    .prefault({}),
});

export type Config = z.infer<typeof ConfigSchema>;
/** A top-level section of the config: the unit in which a change is announced and a service rebuilt. */
export type ConfigSection = keyof Config;
export const CONFIG_SECTIONS = Object.keys(ConfigSchema.shape) as ConfigSection[];
export const ConfigSectionSchema = z.enum(CONFIG_SECTIONS as [ConfigSection, ...ConfigSection[]]);
/** What a config file may hold: any subset of the keys. */
export type ConfigInput = z.input<typeof ConfigSchema>;

/** One line per dotted key, for `jett config` and the README table (a test keeps the three in step). */
export const CONFIG_DOCS = {
  'tunnel.interface': 'WireGuard interface name on the desktop',
  'tunnel.address': 'desktop tunnel address with prefix',
  'tunnel.peerAddress': 'VPS tunnel address (probed for health)',
  'tunnel.endpoint': 'VPS public HOST:PORT (set by `jett tunnel peer`)',
  'tunnel.peerPublicKey': 'VPS WireGuard public key (set by `jett tunnel peer`)',
  'tunnel.listenPort': 'UDP port WireGuard listens on at the VPS',
  'tunnel.keepalive': 'PersistentKeepalive in seconds (the desktop is behind NAT)',
  'tunnel.pollSeconds': 'seconds between tunnel health probes',
  'tunnel.autoConnect': 'the agent brings the tunnel up when it starts (if it is not up already)',
  'postgres.host': 'VPS PostgreSQL host (tunnel address)',
  'postgres.port': 'VPS PostgreSQL port',
  'postgres.database': 'VPS database name',
  'postgres.user': 'VPS database user (password: secret `postgres.password`)',
  'heartbeat.url': 'n8n webhook that receives heartbeats',
  'heartbeat.intervalS': 'seconds between heartbeats',
  'outbox.retentionDays': 'days that sent outbox rows are kept locally',
  'sync.batchRows': 'most outbox rows sent in one push (one transaction)',
  'sync.batchBytes': 'about how many payload bytes go in one push',
  'sync.pollSeconds': 'seconds between polls of the VPS inbox (LISTEN/NOTIFY rings sooner)',
  'qdrant.url': "VPS Qdrant REST URL (tunnel address); memory items are projected there (API key: secret `qdrant.apiKey`)",
  'qdrant.collection': 'the Qdrant collection of memory items (made by the bundle\'s install.sh)',
  'ollama.host': 'Ollama server URL',
  'ollama.model': 'Ollama model for replies',
  'ollama.keepAlive': 'how long Ollama keeps the model loaded',
  'voice.enabled': 'off: the agent loads no speech runtime and runs no voice (saves memory on an always-on desktop)',
  'voice.hotkey': 'global hotkey that starts a voice turn',
  'voice.inputDevice': 'microphone (sox/arecord device name, or "default")',
  'voice.silenceMs': 'silence that ends a turn, in ms',
  'voice.preemptMs': 'silence after which the reply is prepared, before the turn ends; it plays only once the turn ends (0: off)',
  'voice.activation': 'hotkey (toggle), handsFree (always listening) or pushToTalk',
  'voice.bargeIn': 'auto: speech during a reply interrupts it where echo is kept out (the status says why not); on: always (headphones); off',
  'voice.recorder': 'sox, or arecord (Linux only)',
  'voice.memoryTurns': 'earlier turns sent to the LLM as memory',
  'voice.recallItems': 'most remembered items (beyond the recent turns) recalled into a reply\'s prompt (0: no recall)',
  'voice.recallTokens': 'about how many tokens the recalled memories may take in the prompt',
  'voice.systemPrompt': 'system prompt of the voice assistant',
  'voice.capture': 'tray app: app (Chromium captures and plays, with its echo canceller) or sox (as the headless agent)',
  'voice.captureDevice': 'tray app: the microphone\'s deviceId from the app\'s device list ("" is the system default)',
  'voice.echoCancellation': 'tray app: Chromium\'s echo canceller on the microphone',
  'voice.noiseSuppression': 'tray app: Chromium\'s noise suppression on the microphone',
  'voice.autoGainControl': 'tray app: Chromium\'s automatic gain control on the microphone',
  'voice.wakeWord': 'hands-free wake word: hey_jarvis, hey_mycroft, alexa, hey_rhasspy, or none (any speech starts a turn)',
  'voice.wakeThreshold': 'wake-word score (0-1) that counts as a detection; tune it with `jett voice wake --input FILE`',
  'models.dir': 'folder with model weights (empty: JETT_HOME/models)',
  'models.stt': 'speech-to-text model (whisper-tiny.en, whisper-base, whisper-base.en, whisper-small)',
  'models.sttLanguage': 'language spoken to multilingual Whisper (en, german, ...); transformers.js does not detect it',
  'models.tts': 'text-to-speech model (kokoro-82m); empty or not installed: espeak-ng',
  'models.ttsVoice': 'Kokoro voice (af_heart, am_michael, bf_emma, ...)',
  'models.ttsSpeed': 'Kokoro speaking speed, 0.5-2',
  'models.executionProvider': 'auto (DirectML on Windows, CUDA on Linux when installed, else CPU), dml, cuda or cpu',
  'models.embed': 'embedding model for memory (empty: all-minilm-l6-v2 when models.sttLanguage is English, else paraphrase-multilingual-minilm-l12-v2)',
} as const satisfies Record<string, string>;

export type ConfigKey = keyof typeof CONFIG_DOCS;
export const CONFIG_KEYS = Object.keys(CONFIG_DOCS) as ConfigKey[];
