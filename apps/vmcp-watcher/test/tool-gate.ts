/**
 * Tests that need a tool the machine may lack (helm, buildah): under CI=true a missing tool fails the file loudly;
 * elsewhere its suite is registered as skipped (visible as skipped, never as passed) after one notice.
 */
export function toolAvailable(tool: string, found: boolean, how: string): boolean {
  if (found) return true;
  const message = `${tool} is not available: ${how}`;
  if (process.env['CI'] === 'true') throw new Error(`${message} (CI=true: failing instead of skipping)`);
  console.warn(`[vmcp] NOTICE: SKIPPING the ${tool} tests: ${message}`);
  return false;
}
