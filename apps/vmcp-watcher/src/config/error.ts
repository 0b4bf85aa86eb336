/** An invalid setting. `setting` is the flag, variable or file key at fault; the message names it too. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly setting: string;
  constructor(setting: string, problem: string) {
    super(`invalid configuration: ${setting}: ${problem}`);
    this.setting = setting;
  }
}

/** A value and the name of the setting it came from, so errors name the right one. */
export interface Sourced<T> {
  value: T;
  setting: string;
}
