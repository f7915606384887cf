// electron-builder afterPack hook: puts better-sqlite3 built for Electron's ABI (see electron-native.mjs) into the
// packed app, in place of the Node build that node_modules holds for `npm test` (npmRebuild is off for that reason).
import fs from 'node:fs';
import path from 'node:path';
import builderUtil from 'builder-util';
import { ensureElectronNative } from './electron-native.mjs';

export default async function afterPack(context) {
  const root = context.packager.projectDir;
  const dir = await ensureElectronNative({
    root,
    electronVersion: context.packager.info.framework.version,
    platform: context.electronPlatformName,
    arch: builderUtil.Arch[context.arch],
  });
  const rel = path.join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  const target = path.join(context.appOutDir, 'resources', 'app.asar.unpacked', rel);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(dir, rel), target);
  console.log(`  • better-sqlite3 for Electron's ABI  file=${path.relative(root, target)}`);
}
