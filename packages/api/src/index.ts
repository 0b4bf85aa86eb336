export type * from './types.ts';
export * from './resources.ts';
export * from './kinds.ts';
export { groupRefName, remoteUrlOf } from './spec-fields.ts';
export { crdDirectory, crdFiles, exampleFiles, examplesDirectory, expectedEngineeringBackendsFile } from './paths.ts';
