import { libraryConfig } from '../../tsup.shared.ts';

export default libraryConfig({ entry: ['src/cli.ts', 'src/index.ts'], dts: false });
