import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

// The layer rules live in eslint.config.js; these cases prove each rule fires where it should and stays quiet
// where the import is allowed, so a config edit cannot silently switch a boundary off.
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer boundaries enforced by lint', () => {
  it.each([
    ['shared/domain/x.ts', "import { openCache } from '../../electron/db/cache';\nexport const x = openCache;"],
    ['shared/x.ts', "import { App } from '../renderer/App';\nexport const x = App;"],
    ['shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
    ['shared/x.ts', "import { readFileSync } from 'fs';\nexport const x = readFileSync;"],
    ['shared/x.ts', "import { createRoot } from 'react-dom/client';\nexport const x = createRoot;"],
    ['shared/x.ts', "import { app } from 'electron';\nexport const x = app;"],
  ])('shared/ may not import Node, DOM, Electron or the processes (%s: %s)', async (file, code) => {
    expect(await restrictedImports(file, code)).not.toEqual([]);
  });

  it('renderer/ may not import electron/', async () => {
    expect(await restrictedImports('renderer/x.ts', "import { dispatch } from '../electron/api-dispatch';\nexport const x = dispatch;")).not.toEqual([]);
  });

  it('renderer/ may not import Node modules', async () => {
    expect(await restrictedImports('renderer/x.ts', "import { join } from 'node:path';\nexport const x = join;")).not.toEqual([]);
  });

  it("a service inside electron/ may not import 'electron'", async () => {
    expect(await restrictedImports('electron/db/x.ts', "import { app } from 'electron';\nexport const x = app;")).not.toEqual([]);
  });

  it("a service inside electron/ may not import an 'electron/…' subpath either", async () => {
    expect(await restrictedImports('electron/db/x.ts', "import { app } from 'electron/main';\nexport const x = app;")).not.toEqual([]);
  });

  it.each(['electron/main.ts', 'electron/preload.ts', 'electron/ipc.ts'])("the shell file %s may import 'electron'", async (file) => {
    expect(await restrictedImports(file, "import { app } from 'electron';\nexport const x = app;")).toEqual([]);
  });

  it('renderer/ and electron/ may import shared/', async () => {
    expect(await restrictedImports('renderer/x.ts', "import { channelOf } from '../shared/api';\nexport const x = channelOf;")).toEqual([]);
    expect(await restrictedImports('electron/db/x.ts', "import { channelOf } from '../../shared/api';\nexport const x = channelOf;")).toEqual([]);
  });
});
