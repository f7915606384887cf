// electron-builder.yml against electron-builder's own JSON schema, plus what the issue and DESIGN.md require of it:
// fuses, unpacked native modules, per-user NSIS, AppImage and deb, and the Electron-ABI hook in place.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const config = parse(fs.readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown> & {
  electronFuses: Record<string, boolean>;
  asarUnpack: string[];
  nsis: Record<string, unknown>;
  win: { target: Array<{ target: string }> };
  linux: { target: string[] };
  files: string[];
};

describe('electron-builder.yml', () => {
  it('is valid against electron-builder\'s schema', () => {
    const schema = JSON.parse(fs.readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    expect(validate(config), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('rejects what the schema forbids (the check can fail)', () => {
    const schema = JSON.parse(fs.readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNodee: false } })).toBe(false);
  });

  it('names the app and builds per-user NSIS, AppImage and deb', () => {
    expect(config.appId).toBe('app.jett.desktop');
    expect(config.productName).toBe('Jett');
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: false });
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
  });

  it('turns RunAsNode, NODE_OPTIONS, inspect and file:// privileges off, asar integrity and asar-only on', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      grantFileProtocolExtraPrivileges: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('unpacks the native modules from asar and ships the resources and the built app', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/better-sqlite3/**', 'node_modules/onnxruntime-node/**', '**/*.node']));
    expect(config.files).toContain('dist/**');
    expect(config.extraResources).toEqual([{ from: 'resources', to: 'resources', filter: ['**/*'] }]);
  });

  it('keeps node_modules on Node\'s ABI and hooks the Electron build of better-sqlite3 in after packing', async () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.afterPack).toBe('build/after-pack.mjs');
    const hook = (await import(pathToFileURL(path.resolve('build/after-pack.mjs')).href)) as { default: unknown };
    expect(typeof hook.default).toBe('function');
  });

  it('never ships the real n8n of the tests (tools/n8n): the app takes dist/ and package.json, and n8n is no dependency', () => {
    expect(config.files.filter((f) => !f.startsWith('!'))).toEqual(['dist/**', 'package.json']);
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const deps of [pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies]) expect(Object.keys(deps ?? {})).not.toContain('n8n');
    expect(JSON.parse(fs.readFileSync('tools/n8n/package.json', 'utf8'))).toMatchObject({ private: true, dependencies: { n8n: '1.121.3' }, overrides: { xlsx: '0.18.5' } });
  });
});

