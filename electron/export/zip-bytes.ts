/**
 * A zip of an export's CSV files, made as the text streams in (fflate's streaming Zip + ZipDeflate): the archive comes
 * out in pieces while the rows are read, so neither the CSV text nor the zip is ever whole in memory. Synchronous, so
 * the API (which answers a string) and the CLI (which awaits its file stream between pieces) share it.
 */
import { Zip, ZipDeflate } from 'fflate';
import { textChunks, type CsvTableText } from './csv-tables';

export function* zipBytes(tables: Iterable<CsvTableText>, modified: Date): Generator<Uint8Array> {
  const ready: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, data) => {
    if (error) failure = error;
    else ready.push(data);
  });
  const encoder = new TextEncoder();
  function* flush(): Generator<Uint8Array> {
    if (failure) throw failure;
    while (ready.length > 0) yield ready.shift()!;
  }
  for (const { table, batches } of tables) {
    const file = new ZipDeflate(table.name, { level: 6 });
    file.mtime = modified;
    zip.add(file);
    for (const text of textChunks(batches)) {
      file.push(encoder.encode(text));
      yield* flush();
    }
    file.push(new Uint8Array(0), true);
    yield* flush();
  }
  zip.end();
  yield* flush();
}
