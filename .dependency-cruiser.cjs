// Import-cycle check over src (npm run lint:cycles, part of npm run lint and so of CI).
// Two levels: no file may reach itself through its imports, and no folder may either (src/engine/client and
// src/cli importing each other is a cycle even when no single file loops). Type-only imports count: they tie
// the modules together just the same for a reader, and `import type` today is often a value import tomorrow.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A file reaches itself through its imports: move the shared part into a module both can import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      comment: 'Two folders import each other: one of them should own the shared part, or it gets a folder of its own.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
