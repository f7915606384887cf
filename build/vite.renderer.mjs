// Vite config of the settings window and the capture page (renderer/): builds both into dist/renderer: relative asset paths (served from jett://app/), no inline code.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('../renderer', import.meta.url)),
  base: './',
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // The polyfill would be an inline script, which the CSP forbids; Chromium supports modulepreload natively.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'chrome128',
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('../renderer/index.html', import.meta.url)),
        capture: fileURLToPath(new URL('../renderer/capture.html', import.meta.url)),
      },
      // zod's sources carry comments Rollup cannot place; they change nothing in the output.
      onwarn(warning, warn) {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
    },
  },
  logLevel: 'warn',
});
