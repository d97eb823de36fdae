/**
 * DumpLogSegments' main loop: "Dumping <file>" and then the dump for its suffix; an unknown
 * suffix is skipped with "Ignoring unknown file <file>" on stderr.
 */
import type { Io } from '../../cli/io.js';
import { CommandError, UsageError } from '../../cli/errors.js';
import { createOutput } from '../../cli/output.js';
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX } from '../../engine/log/file-names.js';
import { requireArgument } from '../shared/options.js';
import { dumpIndex, dumpLog, dumpTimeIndex, dumpTxnIndex, type DumpOptions } from './segment-dump.js';

export interface DumpLogOptions {
  files?: string;
  printDataLog?: boolean;
  deepIteration?: boolean;
  skipRecordMetadata?: boolean;
  verifyIndexOnly?: boolean;
  indexSanityCheck?: boolean;
  maxBytes: string;
  maxMessageSize: string;
  color?: boolean;
  [key: string]: unknown;
}

function intOption(name: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 2_147_483_647) throw new UsageError(`Cannot parse argument '${v}' of option ${name}`);
  return Number(v);
}

export async function runDumpLog(opts: DumpLogOptions, io: Io): Promise<void> {
  requireArgument(opts, 'files');
  const dump: DumpOptions = {
    printDataLog: Boolean(opts.printDataLog),
    deepIteration: Boolean(opts.deepIteration),
    skipRecordMetadata: Boolean(opts.skipRecordMetadata),
    verifyIndexOnly: Boolean(opts.verifyIndexOnly),
    indexSanityCheck: Boolean(opts.indexSanityCheck),
    maxBytes: intOption('max-bytes', opts.maxBytes),
  };
  intOption('max-message-size', opts.maxMessageSize);
  const out = createOutput(io, { color: opts.color });
  const sink = { out: (l: string) => out.line(l), err: (l: string) => out.status(l) };
  for (const file of opts.files!.split(',')) {
    out.line(`Dumping ${file}`);
    const suffix = file.slice(file.lastIndexOf('.'));
    try {
      if (suffix === LOG_SUFFIX) await dumpLog(file, dump, sink);
      else if (suffix === INDEX_SUFFIX) dumpIndex(file, dump, sink);
      else if (suffix === TIME_INDEX_SUFFIX) dumpTimeIndex(file, dump, sink);
      else if (suffix === TXN_INDEX_SUFFIX) dumpTxnIndex(file, sink);
      else out.status(`Ignoring unknown file ${file}`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new CommandError(`${file} (No such file or directory)`);
      if (code === 'EISDIR') throw new CommandError(`${file} (Is a directory)`);
      throw err;
    }
  }
}
