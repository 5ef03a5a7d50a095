/**
 * `roster export REALM… --out FILE [--format plain|oneroster|canvas-sis|schoology] [--excel] [--without-pending]`:
 * the rosters of cached realms (`all`: every realm of the account) written to FILE, streamed from the cache. Works
 * offline. Prints one line: "Exported N rows from M realm(s) to FILE" (--json: {file, format, rows, realms}).
 */
import { EXPORT_FORMATS, type ExportFormatName, type ExportInputParsed } from '../../shared/api';
import { realmIdOf } from '../db/realms-repo';
import { exportToPath } from '../export/export-to-path';
import { prepareExport } from '../export/roster-export';
import { parseCommand, withContext } from './cli-context';
import { printJson, printLine } from './output';
import { parseRealmArg } from './realm-arg';
import { UsageError } from './usage-error';

export async function runExport(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    'export',
    args,
    { out: { type: 'string' }, format: { type: 'string' }, excel: { type: 'boolean' }, 'without-pending': { type: 'boolean' } },
    { names: ['REALM…'], min: 1, variadic: true },
  );
  if (values.out === undefined || values.out === '') throw new UsageError('export: --out FILE is required');
  const format = values.format ?? 'plain';
  if (!isFormat(format)) throw new UsageError(`export: --format must be one of ${EXPORT_FORMATS.join(', ')}, got "${format}"`);
  if (values.excel && format !== 'plain') {
    throw new UsageError(`export: --excel is for the plain format; ${format} files must carry the LMS's values unaltered, so they refuse formula-like values instead`);
  }
  const out = values.out;

  return withContext(values, async (context) => {
    const account = context.account();
    const accountId = account.id;
    let realmIds: string[];
    if (positionals.length === 1 && positionals[0] === 'all') {
      realmIds = context.cache.realms.list(accountId).map((realm) => realm.id);
      if (realmIds.length === 0) throw new Error('no sections or groups are cached yet; run `roster pull` first');
    } else {
      realmIds = positionals.map((text) => {
        const key = parseRealmArg(text, account);
        const id = realmIdOf(accountId, key);
        if (!context.cache.realms.get(id)) throw new Error(`${key} is not in the offline cache; run \`roster pull\` first (\`roster realms\` lists what is cached)`);
        return id;
      });
    }
    const input: ExportInputParsed = { realmIds, includePending: !values['without-pending'], format, excel: values.excel ?? false };
    const now = new Date();
    const written = await exportToPath(prepareExport(context.cache, input, now), out, { now });
    if (context.json) {
      printJson({ file: out, format, rows: written.rows, realms: written.realms });
    } else {
      printLine(`Exported ${written.rows} rows from ${written.realms} realm(s) to ${out}`);
    }
    return 0;
  });
}

function isFormat(value: string): value is ExportFormatName {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}
