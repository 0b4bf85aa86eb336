import { libraryConfig } from '@vmcp/tsup-config';

export default libraryConfig({
  // internal/reaper is no module to import: the detached watchdog script that control planes spawn (dist/internal/reaper.js).
  entry: ['src/index.ts', 'src/cli.ts', 'src/vitest/index.ts', 'src/vitest/global-setup.ts', 'src/internal/reaper.ts'],
});
