import { libraryConfig } from '@vmcp/tsup-config';

export default libraryConfig({ entry: ['src/index.ts'] });
