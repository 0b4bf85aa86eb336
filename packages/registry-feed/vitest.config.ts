import { packageProject } from '@vmcp/vitest-config';

export default packageProject(import.meta.dirname);
