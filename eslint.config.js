// Lint enforces the one direction of dependency: renderer → shared ← electron.
// - shared/ imports neither electron/ nor renderer/ nor any Node- or DOM-only module (it runs in both processes);
// - renderer/ never imports electron/ (it talks to the main process only through the RosterApi contract);
// - inside electron/, only the shell files (main.ts, preload.ts, ipc.ts) import the 'electron' module, so every
//   service runs and is tested under plain Node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const nativeOrNodeOnly = ['electron', 'better-sqlite3', 'keytar', 'playwright-core'];

const restrict = (...blocks) => ({
  'no-restricted-imports': ['error', { paths: blocks.flatMap((b) => b.paths ?? []), patterns: blocks.flatMap((b) => b.patterns ?? []) }],
});

const noElectronDir = { patterns: [{ group: ['**/electron/**', '../electron', '../../electron'], message: 'Only the main process may import electron/; talk to it through the RosterApi contract (shared/api.ts).' }] };
const noRendererDir = { patterns: [{ group: ['**/renderer/**', '../renderer', '../../renderer'], message: 'The main process and shared/ never import the renderer.' }] };
const sharedMessage = 'shared/ runs in both processes: no Node-, DOM- or Electron-only modules.';
const noNode = {
  paths: [...nodeBuiltins, ...nativeOrNodeOnly, 'react-dom'].map((name) => ({ name, message: sharedMessage })),
  // Subpath imports ('react-dom/client', 'fs/promises') are not covered by `paths`.
  patterns: [{ group: ['react-dom/*', 'electron/*', 'fs/*', 'node:*'], message: sharedMessage }],
};
const electronMessage = "Only electron/main.ts, preload.ts and ipc.ts import 'electron'; services must run under plain Node.";
const noElectronModule = {
  paths: [{ name: 'electron', message: electronMessage }],
  patterns: [{ group: ['electron/*'], message: electronMessage }],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'release/', 'test-results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  { files: ['shared/**'], languageOptions: { globals: {} }, rules: restrict(noElectronDir, noRendererDir, noNode) },
  { files: ['renderer/**'], languageOptions: { globals: globals.browser }, rules: restrict(noElectronDir, noNodeForRenderer()) },
  {
    files: ['electron/**'],
    ignores: ['electron/main.ts', 'electron/preload.ts', 'electron/ipc.ts'],
    languageOptions: { globals: globals.node },
    rules: restrict(noRendererDir, noElectronModule),
  },
  { files: ['electron/main.ts', 'electron/preload.ts', 'electron/ipc.ts'], languageOptions: { globals: globals.node }, rules: restrict(noRendererDir) },
  { files: ['test/**', 'scripts/**', '*.config.{ts,js}', 'electron.vite.config.ts'], languageOptions: { globals: globals.node } },
);

function noNodeForRenderer() {
  return {
    paths: [...nodeBuiltins, ...nativeOrNodeOnly].map((name) => ({ name, message: 'The renderer is sandboxed: no Node or native modules.' })),
  };
}
