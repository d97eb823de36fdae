import { describe, expect, it } from 'vitest';
import { readJsonIfExists, writeFileAtomic, writeFileAtomicSync, writeJsonAtomic } from '../../../src/engine/log/atomic-file.js';
import { MemFs } from '../../../src/engine/log/mem-fs.js';

async function withOld(): Promise<MemFs> {
  const fs = new MemFs();
  await fs.mkdir('/d');
  await writeJsonAtomic('/d/f.json', { v: 'old' }, fs);
  return fs;
}

describe('atomic replace', () => {
  it('replaces the content and leaves no temp file', async () => {
    const fs = await withOld();
    await writeFileAtomic('/d/f.json', '{"v":"new"}', fs);
    expect(await readJsonIfExists('/d/f.json', fs)).toEqual({ v: 'new' });
    expect(await fs.readdir('/d')).toEqual(['f.json']);
    expect(await readJsonIfExists('/d/missing.json', fs)).toBeUndefined();
  });

  it.each([
    ['write', {}],
    ['write', { afterBytes: 3 }],
    ['sync', { path: '/d/f.json.tmp' }],
    ['rename', {}],
  ] as const)('keeps the old content when the %s fails (%j)', async (op, options) => {
    const fs = await withOld();
    fs.failNext(op, 'EIO', options);
    await expect(writeJsonAtomic('/d/f.json', { v: 'new' }, fs)).rejects.toMatchObject({ code: 'EIO' });
    expect(await readJsonIfExists('/d/f.json', fs)).toEqual({ v: 'old' });
  });

  it('fsyncs the directory after the rename, and reports a failure of that fsync', async () => {
    const fs = await withOld();
    // The first sync under /d is the temp file's; the second must be the directory's own.
    fs.failNext('sync', 'EIO', { path: '/d', skip: 1 });
    await expect(writeJsonAtomic('/d/f.json', { v: 'new' }, fs)).rejects.toMatchObject({ code: 'EIO', syscall: 'fsync', path: '/d' });
    expect(await readJsonIfExists('/d/f.json', fs)).toEqual({ v: 'new' });
    expect(fs.openDescriptors).toBe(0);
  });

  it('the synchronous variant follows the same steps', async () => {
    const fs = await withOld();
    writeFileAtomicSync('/d/f.json', [Buffer.from('{"v":'), Buffer.from('"sync"}')], fs);
    expect(await readJsonIfExists('/d/f.json', fs)).toEqual({ v: 'sync' });
    fs.failNext('rename', 'EIO');
    expect(() => writeFileAtomicSync('/d/f.json', [Buffer.from('{}')], fs)).toThrow(expect.objectContaining({ code: 'EIO' }));
    expect(await readJsonIfExists('/d/f.json', fs)).toEqual({ v: 'sync' });
  });
});
