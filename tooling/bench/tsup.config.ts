import { defineConfig } from 'tsup';

// The Node peers run the way the service ships (apps/vmcp-watcher/tsup.config.ts): one bundled file each, every
// dependency inlined, started with Node's compile cache. Only the peers are built; the harness runs from source.
export default defineConfig({
  entry: { 'peers/ours-peer': 'src/peers/ours-peer.ts', 'peers/bare-peer': 'src/peers/bare-peer.ts' },
  format: ['esm'],
  target: 'node22',
  platform: 'node',
  outDir: 'dist',
  clean: true,
  splitting: false,
  treeshake: false,
  sourcemap: false,
  dts: false,
  noExternal: [/.*/],
  banner: { js: "import { createRequire as __vmcpCreateRequire } from 'node:module';\nconst require = __vmcpCreateRequire(import.meta.url);" },
  esbuildOptions(options) {
    options.conditions = ['@vmcp/source', 'node', 'import'];
  },
});
