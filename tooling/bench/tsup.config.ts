import { serviceBundleConfig } from '@vmcp/tsup-config';

// The Node peers run the way the service ships: one bundled file each, started with Node's compile cache. Only the
// peers are built; the harness runs from source.
export default serviceBundleConfig({
  entry: {
    'peers/ours-peer': 'src/peers/ours-peer.ts',
    'peers/bare-peer': 'src/peers/bare-peer.ts',
    'peers/feed-peer': 'src/peers/feed-peer.ts',
  },
  tsconfig: 'tsconfig.json',
  sourcemap: false,
});
