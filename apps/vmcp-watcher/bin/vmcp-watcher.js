#!/usr/bin/env node
import module from 'node:module';

// Node's on-disk compile cache (NODE_COMPILE_CACHE overrides where; a read-only file system just disables it):
// the bundled service is ~4 MB of JavaScript, and reusing its compiled code cuts the next start.
module.enableCompileCache?.();
await import('../dist/cli.js');
