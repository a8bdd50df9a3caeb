/** Module boundaries of ../DESIGN.md §2, enforced by `npm run lint`. */
const folders = '(core|config|tf|build|catalog|store|state|embed|index|collab|recommend|explain|domain|llm|chat|eval|loop|slack|widget|cli)'
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'core-imports-nothing',
      comment: 'core/ holds domain types and helpers; it imports nothing from src/.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'through-index-only',
      comment: "Cross-folder imports go through the other folder's index.ts.",
      severity: 'error',
      from: { path: `^src/${folders}/` },
      to: { path: `^src/${folders}/(?!index\\.ts$).+`, pathNot: '^src/$1/' },
    },
    {
      name: 'transports-stay-apart',
      comment: 'slack, widget and cli never import each other.',
      severity: 'error',
      from: { path: '^src/(slack|widget|cli)/' },
      to: { path: '^src/(slack|widget|cli)/', pathNot: '^src/$1/' },
    },
    {
      name: 'tensorflow-only-in-collab',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/tf/' },
      to: { path: 'node_modules/@tensorflow' },
    },
    {
      name: 'encoders-only-in-embed',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/embed/' },
      to: { path: 'node_modules/(@huggingface|@energetic-ai)' },
    },
    {
      name: 'hnswlib-only-in-index',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/index/' },
      to: { path: 'node_modules/hnswlib-node' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
}
