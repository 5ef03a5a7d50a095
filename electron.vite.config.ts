import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

// Our sources are not in electron-vite's default src/main, src/preload, src/renderer, so each target names its
// entry; the outputs keep the default out/{main,preload,renderer} layout that main.ts and package.json expect.
const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // Native addons cannot be bundled; they load from node_modules (unpacked from the asar, electron-builder.yml).
      // Everything else in dependencies is externalized by default too and shipped in node_modules.
      externalizeDeps: { include: ['better-sqlite3', 'keytar'] },
      lib: { entry: resolve(root, 'electron/main.ts'), formats: ['es'], fileName: () => 'main.js' },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload gets only require('electron'): zod and shared/ must be inlined into one file.
      externalizeDeps: false,
      // Sandboxed preloads cannot be ES modules; .cjs keeps Node from reading it as ESM under "type": "module".
      lib: { entry: resolve(root, 'electron/preload.ts'), formats: ['cjs'], fileName: () => 'preload.cjs' },
      rolldownOptions: { output: { codeSplitting: false } },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
});
