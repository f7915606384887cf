// The IPC contract between the settings window and main (GitHub Desktop's typed channel map, plus a zod schema per
// channel): main validates every argument and every reply with it, preload and the renderer's fake bridge use it too.
import { z } from 'zod';
import { ConfigSchema } from './config.js';
import type { ErrorEnvelope } from './errors.js';
import { SecretNameSchema } from './secrets.js';
import {
  SetupAuditResultSchema,
  SetupBundleResultSchema,
  SetupPeerArgsSchema,
  SetupPeerResultSchema,
  SetupPrivilegedResultSchema,
  SetupViewSchema,
  type SetupAuditResult,
  type SetupBundleResult,
  type SetupPrivilegedResult,
  type SetupView,
} from './setup.js';
import { RedactionResultSchema, type RedactionResult } from './redaction.js';
import { StatusSnapshotSchema } from './status.js';
import { MemoryForgetOutputSchema, MemoryForgetSchema, MemoryViewQuerySchema, MemoryViewSchema, type MemoryForget, type MemoryForgetOutput, type MemoryView, type MemoryViewQuery } from './memory.js';
import { VoiceHistoryDeleteSchema, VoiceHistoryQuerySchema, VoiceHistorySchema, type VoiceHistoryDelete, type VoiceHistoryQuery } from './voice-history.js';
import { VoiceDevicesOutputSchema, type VoiceTurnRecord } from './voice.js';
import { UninstallResultSchema, type UninstallResult } from './uninstall.js';
import { MicLevelSchema, MicrophonesViewSchema, MicTestArgsSchema, MicTestResultSchema, type MicLevel, type MicrophonesView, type MicTestResult } from './mic-check.js';

/** A message larger than this (its JSON) is refused before it is parsed: the renderer never needs more. */
export const IPC_MAX_MESSAGE_BYTES = 64 * 1024;

/** The origin the window is served from (a custom protocol; see main/app/security/protocol.ts). */
export const APP_SCHEME = 'jett';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

const NoArgs = z.undefined();

const PublicKeySchema = z.string().regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, 'expected a WireGuard public key');

/** What the window may know about the tunnel keys: never the private key, only that it is stored. */
export const TunnelKeysViewSchema = z.strictObject({
  publicKey: PublicKeySchema,
  fingerprint: z.string().regex(/^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/),
  privateKeyStored: z.literal(true),
  presharedKeyStored: z.boolean(),
});
export type TunnelKeysView = z.infer<typeof TunnelKeysViewSchema>;

/** The secrets the window may set (write-only); the tunnel keys come only from "generate" or "import". */
export const WINDOW_SECRET_NAMES = ['postgres.password', 'heartbeat.token', 'n8n.apiKey'] as const;
export const WindowSecretNameSchema = z.enum(WINDOW_SECRET_NAMES);
export type WindowSecretName = (typeof WINDOW_SECRET_NAMES)[number];

export const SecretStoreViewSchema = z.strictObject({
  kind: z.enum(['keyring', 'file', 'safeStorage']),
  location: z.string(),
  /** Which runner reads this store, in words, shown in the window. */
  note: z.string(),
});

export const SettingsViewSchema = z.strictObject({
  config: ConfigSchema,
  /** Names of the secrets that are set, never their values. */
  storedSecrets: z.array(SecretNameSchema),
  secretStore: SecretStoreViewSchema,
  keys: TunnelKeysViewSchema.nullable(),
  /** After a save: the tunnel runs from what the privileged setup installed, which no longer matches; ask to run it again. */
  needsTunnelSetup: z.literal(true).optional(),
});
export type SettingsView = z.infer<typeof SettingsViewSchema>;

/** The config keys the window edits, by section; anything else is refused. */
export const EDITABLE_KEYS = {
  tunnel: ['endpoint', 'address', 'peerAddress', 'peerPublicKey', 'keepalive', 'listenPort'],
  postgres: ['host', 'port', 'database', 'user'],
  heartbeat: ['url', 'intervalS'],
  voice: ['hotkey', 'inputDevice', 'silenceMs', 'activation', 'bargeIn', 'recorder', 'captureDevice', 'wakeWord', 'wakeThreshold'],
  models: ['stt', 'sttLanguage', 'tts', 'ttsVoice', 'executionProvider'],
  ollama: ['host', 'model'],
} as const;
export type EditableSection = keyof typeof EDITABLE_KEYS;
const EDITABLE_SECTIONS = Object.keys(EDITABLE_KEYS) as [EditableSection, ...EditableSection[]];

export const SettingsSaveArgsSchema = z
  .strictObject({
    section: z.enum(EDITABLE_SECTIONS),
    values: z.record(z.string().max(64), z.union([z.string().max(2048), z.number(), z.boolean()])),
  })
  .superRefine((arg, ctx) => {
    const allowed: readonly string[] = EDITABLE_KEYS[arg.section];
    for (const key of Object.keys(arg.values)) {
      if (!allowed.includes(key)) ctx.addIssue({ code: 'custom', path: ['values', key], message: `${arg.section}.${key} cannot be set from the window` });
    }
  });
export type SettingsSaveArgs = z.infer<typeof SettingsSaveArgsSchema>;

export const HotkeyViewSchema = z.strictObject({
  accelerator: z.string(),
  registered: z.boolean(),
  /** Why it is not registered (e.g. another program holds it), else null. */
  error: z.string().nullable(),
  /** With pushToTalk: whether hold-to-talk runs (the key hook), or why the hotkey toggles instead. */
  hold: z.strictObject({ active: z.boolean(), reason: z.string().nullable() }).optional(),
});
export type HotkeyView = z.infer<typeof HotkeyViewSchema>;

export const TurnLatencySchema = z.strictObject({
  at: z.string(),
  /** End of speech to the first reply audio, in ms; null when the turn produced no audio. */
  speechEndToAudioMs: z.number().nullable(),
});

export const StatusViewSchema = z.strictObject({
  snapshot: StatusSnapshotSchema,
  hotkey: HotkeyViewSchema,
  /** The last turns, oldest first (at most 20). */
  turns: z.array(TurnLatencySchema).max(20),
});
export type StatusView = z.infer<typeof StatusViewSchema>;

/** Public fields of an imported wg-quick file: the private and preshared keys stay in main. */
export const ImportedConfViewSchema = z.strictObject({
  file: z.string(),
  address: z.string(),
  peerPublicKey: PublicKeySchema,
  peerAddress: z.string(),
  endpoint: z.string(),
  keepalive: z.number().int().nullable(),
  warnings: z.array(z.string()),
});

export const ImportResultSchema = z.discriminatedUnion('canceled', [
  z.strictObject({ canceled: z.literal(true) }),
  z.strictObject({ canceled: z.literal(false), imported: ImportedConfViewSchema, settings: SettingsViewSchema }),
]);
export type ImportResult = z.infer<typeof ImportResultSchema>;

export const PeerBlockViewSchema = z.strictObject({
  /** The VPS-side [Peer] block naming this desktop, without any preshared key. */
  text: z.string(),
  /** True when a preshared key exists: it is left out of `text` and the QR code, and copied only by main. */
  presharedKeyOmitted: z.boolean(),
  /** The QR code of `text` as rows of "0"/"1" modules. */
  qr: z.strictObject({ size: z.number().int().positive(), rows: z.array(z.string().regex(/^[01]+$/)) }),
});
export type PeerBlockView = z.infer<typeof PeerBlockViewSchema>;

export const ModelKindSchema = z.enum(['ollama', 'speech']);
export type ModelKind = z.infer<typeof ModelKindSchema>;

export const ModelsViewSchema = z.strictObject({
  /** The LLMs the local Ollama server holds. */
  models: z.array(z.strictObject({ name: z.string(), sizeBytes: z.number().nullable() })),
  /** Why the Ollama list could not be had (Ollama not running), else null. */
  error: z.string().nullable(),
  /** The speech models of the catalogue (Whisper, Kokoro) and whether they are in the models folder. */
  speech: z.strictObject({
    dir: z.string(),
    models: z.array(
      z.strictObject({ name: z.string(), task: z.enum(['stt', 'tts', 'embed']), sizeBytes: z.number().nullable(), state: z.enum(['not-installed', 'installed', 'partial']) }),
    ),
    error: z.string().nullable(),
  }),
});
export type ModelsView = z.infer<typeof ModelsViewSchema>;

export const ModelProgressSchema = z.strictObject({
  kind: ModelKindSchema,
  name: z.string(),
  status: z.string(),
  completedBytes: z.number().nullable(),
  totalBytes: z.number().nullable(),
  done: z.boolean(),
  error: z.string().nullable(),
});
export type ModelProgress = z.infer<typeof ModelProgressSchema>;

/** The settings window's choices for the voice fields: the microphones the agent names and the Kokoro voices. */
export const VoiceChoicesSchema = z.strictObject({
  devices: VoiceDevicesOutputSchema,
  voices: z.array(z.string()),
});
export type VoiceChoices = z.infer<typeof VoiceChoicesSchema>;

const ModelNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, 'a model name such as llama3.2:3b');

export const ExternalTargetSchema = z.enum(['n8n', 'portainer']);
export type ExternalTarget = z.infer<typeof ExternalTargetSchema>;

/** Every invoke channel: its argument (at most one) and its reply. */
export const INVOKE_CHANNELS = {
  'status:get': { args: NoArgs, result: StatusViewSchema },
  'settings:get': { args: NoArgs, result: SettingsViewSchema },
  'settings:save': { args: SettingsSaveArgsSchema, result: SettingsViewSchema },
  'secret:set': { args: z.strictObject({ name: WindowSecretNameSchema, value: z.string().min(1).max(4096) }), result: SettingsViewSchema },
  'secret:clear': { args: z.strictObject({ name: WindowSecretNameSchema }), result: SettingsViewSchema },
  'tunnel:generateKeys': { args: z.strictObject({ replace: z.boolean() }), result: SettingsViewSchema },
  'tunnel:importConf': { args: NoArgs, result: ImportResultSchema },
  'tunnel:peerBlock': { args: NoArgs, result: PeerBlockViewSchema },
  'tunnel:copyPublicKey': { args: NoArgs, result: z.strictObject({ copied: z.literal(true) }) },
  'tunnel:copyPeerBlock': { args: NoArgs, result: z.strictObject({ copied: z.literal(true), presharedKeyIncluded: z.boolean() }) },
  'tunnel:up': { args: NoArgs, result: StatusViewSchema },
  'tunnel:down': { args: NoArgs, result: StatusViewSchema },
  /** Windows: the privileged setup through Windows' consent prompt (UAC); afterwards the user signs in again. */
  'tunnel:setup': { args: NoArgs, result: z.strictObject({ signInAgain: z.literal(true) }) },
  'voice:toggle': { args: NoArgs, result: StatusViewSchema },
  /** Past turns from voice_turns, newest first, searchable; deleting one or all reaches the VPS through the outbox. */
  'voice:history': { args: VoiceHistoryQuerySchema, result: VoiceHistorySchema },
  'voice:historyDelete': { args: VoiceHistoryDeleteSchema, result: RedactionResultSchema },
  'voice:choices': { args: NoArgs, result: VoiceChoicesSchema },
  /** The microphone screen: the capture page's devices; a test that opens the microphone until the VAD ends the turn. */
  'voice:microphones': { args: NoArgs, result: MicrophonesViewSchema },
  'voice:micTest': { args: MicTestArgsSchema, result: MicTestResultSchema },
  'voice:micTestStop': { args: NoArgs, result: z.strictObject({ stopped: z.boolean() }) },
  /** What Jett remembers (memory_items), newest first or searched; forgetting reaches the VPS through the outbox. */
  'memory:list': { args: MemoryViewQuerySchema, result: MemoryViewSchema },
  'memory:forget': { args: MemoryForgetSchema, result: MemoryForgetOutputSchema },
  'models:list': { args: NoArgs, result: ModelsViewSchema },
  'models:pull': { args: z.strictObject({ kind: ModelKindSchema, name: ModelNameSchema }), result: z.strictObject({ started: z.literal(true) }) },
  'links:open': { args: z.strictObject({ target: ExternalTargetSchema }), result: z.strictObject({ opened: z.boolean(), reason: z.string().nullable() }) },
  /** "Remove Jett from this computer": what `jett uninstall` removes; JETT_HOME deleted only when asked. */
  'app:uninstall': { args: z.strictObject({ deleteData: z.boolean() }), result: UninstallResultSchema },
  /** The first-run checklist (main/app/setup/service.ts); keys, connect and models reuse the channels above. */
  'setup:get': { args: NoArgs, result: SetupViewSchema },
  /** Main asks for the folder (the OS dialog), writes the bundle there and stores its secrets in the one store. */
  'setup:vpsBundle': { args: NoArgs, result: SetupBundleResultSchema },
  'setup:vpsPeer': { args: SetupPeerArgsSchema, result: SetupPeerResultSchema },
  'setup:privileged': { args: NoArgs, result: SetupPrivilegedResultSchema },
  'setup:auditLive': { args: NoArgs, result: SetupAuditResultSchema },
} as const;

/** Every event main pushes to the window. */
export const EVENT_CHANNELS = {
  'status:changed': StatusViewSchema,
  'models:progress': ModelProgressSchema,
  /** The running microphone test's level, about 15 times a second. */
  'voice:micLevel': MicLevelSchema,
} as const;

export type InvokeChannel = keyof typeof INVOKE_CHANNELS;
export type EventChannel = keyof typeof EVENT_CHANNELS;
export type InvokeArgs<C extends InvokeChannel> = z.input<(typeof INVOKE_CHANNELS)[C]['args']>;
export type InvokeResult<C extends InvokeChannel> = z.infer<(typeof INVOKE_CHANNELS)[C]['result']>;
export type EventPayload<C extends EventChannel> = z.infer<(typeof EVENT_CHANNELS)[C]>;

/**
 * Every reply is an envelope, so the window gets the error's `fix` and not Electron's wrapped message; the error is
 * the one envelope the control endpoint answers too (contracts/errors.ts).
 */
export type IpcReply<T> = { ok: true; value: T } | { ok: false; error: ErrorEnvelope };

type Reply<T> = Promise<IpcReply<T>>;

/**
 * The API preload exposes as `window.jett`: task-level methods, never a channel name. Each method resolves to a
 * reply envelope (errors keep their `fix` and `issues`, which an Error thrown across contextBridge would lose);
 * each `on*` returns the function that unsubscribes.
 */
export interface JettApi {
  status: {
    get(): Reply<StatusView>;
    onChange(listener: (status: StatusView) => void): () => void;
  };
  settings: {
    get(): Reply<SettingsView>;
    save(section: EditableSection, values: Record<string, string | number | boolean>): Reply<SettingsView>;
    setSecret(name: WindowSecretName, value: string): Reply<SettingsView>;
    clearSecret(name: WindowSecretName): Reply<SettingsView>;
  };
  tunnel: {
    generateKeys(replace: boolean): Reply<SettingsView>;
    importConf(): Reply<ImportResult>;
    peerBlock(): Reply<PeerBlockView>;
    copyPublicKey(): Reply<{ copied: true }>;
    copyPeerBlock(): Reply<InvokeResult<'tunnel:copyPeerBlock'>>;
    up(): Reply<StatusView>;
    down(): Reply<StatusView>;
    setup(): Reply<{ signInAgain: true }>;
  };
  voice: {
    toggle(): Reply<StatusView>;
    history(query: VoiceHistoryQuery): Reply<VoiceTurnRecord[]>;
    deleteHistory(what: VoiceHistoryDelete): Reply<RedactionResult>;
    choices(): Reply<VoiceChoices>;
    microphones(): Reply<MicrophonesView>;
    micTest(deviceId: string): Reply<MicTestResult>;
    micTestStop(): Reply<{ stopped: boolean }>;
    onMicLevel(listener: (level: MicLevel) => void): () => void;
  };
  memory: {
    list(query: MemoryViewQuery): Reply<MemoryView>;
    forget(what: MemoryForget): Reply<MemoryForgetOutput>;
  };
  models: {
    list(): Reply<ModelsView>;
    pull(kind: ModelKind, name: string): Reply<{ started: true }>;
    onProgress(listener: (progress: ModelProgress) => void): () => void;
  };
  links: {
    open(target: ExternalTarget): Reply<{ opened: boolean; reason: string | null }>;
  };
  app: {
    uninstall(deleteData: boolean): Reply<UninstallResult>;
  };
  setup: {
    get(): Reply<SetupView>;
    vpsBundle(): Reply<SetupBundleResult>;
    vpsPeer(text: string): Reply<InvokeResult<'setup:vpsPeer'>>;
    privileged(): Reply<SetupPrivilegedResult>;
    auditLive(): Reply<SetupAuditResult>;
  };
}
