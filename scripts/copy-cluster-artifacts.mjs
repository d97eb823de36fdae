// Copies mq-cluster's pinned artifact lists (src/commands/cluster/artifacts/*.json) next to the
// compiled code in dist/, which reads them at run time; tsc copies only what is imported.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
cpSync(join(root, 'src', 'commands', 'cluster', 'artifacts'), join(root, 'dist', 'commands', 'cluster', 'artifacts'), { recursive: true });
