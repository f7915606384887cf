// The shared contracts, in one import for core, preload and renderer alike.
export * from './config.js';
export * from './secrets.js';
export * from './status.js';
export * from './events.js';
export * from './doctor.js';
export * from './tunnel.js';
export * from './outbox.js';
export * from './sync.js';
export * from './voice.js';
export * from './models.js';
export * from './heartbeat.js';
export * from './control.js';
export * from './errors.js';
export * from './ipc.js';
export * from './vps.js';
export * from './uninstall.js';
export * from './memory.js';
