#!/usr/bin/env node
// The `jett` binary: runs the TypeScript CLI through tsx, so `npx jett` works right after `npm install`.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/index.ts');
