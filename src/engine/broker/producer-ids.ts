/**
 * Producer ids for InitProducerId. Ids are handed out from blocks whose end is persisted before
 * the first id of the block is used, so a restart (even after kill -9) never reuses an id.
 */
import { join } from 'node:path';
import { writeJsonAtomic } from '../log/atomic-file.js';
import { RECOVERY, producerIdsFile, readMetaFile } from '../log/meta-files.js';

const BLOCK = 1000;

export class ProducerIdAllocator {
  private next = 0;
  private blockEnd = 0;
  private pending: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string) {}

  static async open(dataDir: string): Promise<ProducerIdAllocator> {
    const a = new ProducerIdAllocator(join(dataDir, 'meta', 'producer-ids.json'));
    const saved = await readMetaFile(a.file, producerIdsFile, RECOVERY.producerIds);
    a.next = a.blockEnd = saved?.nextBlock ?? 0;
    return a;
  }

  allocate(): Promise<number> {
    const result = this.pending.then(async () => {
      if (this.next >= this.blockEnd) {
        this.blockEnd = this.next + BLOCK;
        await writeJsonAtomic(this.file, { version: 1, nextBlock: this.blockEnd });
      }
      return this.next++;
    });
    this.pending = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
