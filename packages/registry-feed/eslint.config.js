import { packageConfig } from '@vmcp/eslint-config';

export default packageConfig(import.meta.dirname);
