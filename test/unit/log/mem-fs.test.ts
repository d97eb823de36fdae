import { describe, expect, it } from 'vitest';
import { preadFull, pwritevFull } from '../../../src/engine/log/fd-io.js';
import { MemFs } from '../../../src/engine/log/mem-fs.js';

async function fileWith(fs: MemFs, p: string, text: string): Promise<number> {
  const fd = await fs.open(p, 'w+');
  await pwritevFull(fs, fd, [Buffer.from(text)], 0);
  return fd;
}

describe('MemFs', () => {
  it('reads and writes positionally, grows files and truncates them', async () => {
    const fs = new MemFs();
    await fs.mkdir('/a/b');
    const fd = await fileWith(fs, '/a/b/f', 'hello');
    await pwritevFull(fs, fd, [Buffer.from('XY'), Buffer.from('Z')], 8);
    expect(fs.fileBytes('/a/b/f')).toEqual(Buffer.from('hello\0\0\0XYZ'));
    await fs.ftruncate(fd, 4);
    expect(await fs.fileSize(fd)).toBe(4);
    const buf = Buffer.alloc(10);
    expect(await preadFull(fs, fd, buf, 1)).toBe(3);
    expect(buf.subarray(0, 3).toString()).toBe('ell');
    await fs.close(fd);
    expect(fs.openDescriptors).toBe(0);
  });

  it('answers like a POSIX file system for missing paths, directories and unlinked files', async () => {
    const fs = new MemFs();
    await expect(fs.open('/nope/f', 'w')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fs.open('/f', 'r+')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fs.readFile('/f')).rejects.toMatchObject({ code: 'ENOENT' });
    await fs.mkdir('/d');
    const fd = await fileWith(fs, '/d/f', 'kept');
    await fs.rm('/d/f');
    expect(await fs.exists('/d/f')).toBe(false);
    const buf = Buffer.alloc(4);
    await preadFull(fs, fd, buf, 0);
    expect(buf.toString()).toBe('kept');
    await expect(fs.rm('/d/missing')).resolves.toBeUndefined();
  });

  it('renames directories with everything under them and removes trees', async () => {
    const fs = new MemFs();
    await fs.mkdir('/logs/t-0/sub');
    await fs.close(await fileWith(fs, '/logs/t-0/a.log', 'a'));
    await fs.close(await fileWith(fs, '/logs/t-0/sub/b', 'b'));
    await fs.rename('/logs/t-0', '/logs/t-0.x-delete');
    expect(await fs.readdir('/logs')).toEqual(['t-0.x-delete']);
    expect(await fs.readdir('/logs/t-0.x-delete')).toEqual(['a.log', 'sub']);
    expect(fs.fileBytes('/logs/t-0.x-delete/sub/b').toString()).toBe('b');
    await expect(fs.rm('/logs/t-0.x-delete')).rejects.toMatchObject({ code: 'ENOTEMPTY' });
    await fs.rm('/logs/t-0.x-delete', { recursive: true });
    expect(await fs.readdir('/logs')).toEqual([]);
  });

  it('fails the next matching operation once, with the errno asked for', async () => {
    const fs = new MemFs();
    await fs.mkdir('/p0');
    await fs.mkdir('/p1');
    const a = await fileWith(fs, '/p0/f', '');
    const b = await fileWith(fs, '/p1/f', '');
    fs.failNext('sync', 'EIO', { path: '/p0' });
    await expect(fs.fdatasync(b)).resolves.toBeUndefined();
    await expect(fs.fdatasync(a)).rejects.toMatchObject({ code: 'EIO', syscall: 'fdatasync', path: '/p0/f' });
    await expect(fs.fdatasync(a)).resolves.toBeUndefined();

    fs.failNext('rename', 'EIO');
    await expect(fs.rename('/p0/f', '/p0/g')).rejects.toMatchObject({ code: 'EIO' });
    expect(await fs.exists('/p0/f')).toBe(true);
    expect(fs.pendingFaults).toBe(0);
  });

  it('tears a write after the given bytes and can let earlier writes through', async () => {
    const fs = new MemFs();
    const fd = await fs.open('/f', 'w');
    fs.failNext('write', 'ENOSPC', { skip: 1, afterBytes: 5 });
    await pwritevFull(fs, fd, [Buffer.from('first')], 0);
    await expect(pwritevFull(fs, fd, [Buffer.from('abc'), Buffer.from('defgh')], 5)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(fs.fileBytes('/f').toString()).toBe('firstabcde');
  });
});
