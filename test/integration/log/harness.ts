import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../../src/engine/clock.js';
import { LogDir, type LogDirOptions } from '../../../src/engine/log/log-dir.js';

export interface Harness {
  dir: string;
  clock: ManualClock;
  warnings: string[];
  open(o?: Partial<LogDirOptions>): Promise<LogDir>;
  cleanup(): void;
}

export function harness(): Harness {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mq-log-'));
  const clock = new ManualClock();
  const warnings: string[] = [];
  return {
    dir,
    clock,
    warnings,
    open: (o = {}) => LogDir.open(dir, { clock, logger: { warn: (m) => warnings.push(m) }, ...o }),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
