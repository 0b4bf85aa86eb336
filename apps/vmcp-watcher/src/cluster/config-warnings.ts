/**
 * Configuration that is probably wrong although nothing fails: the group has no MCPGroup, the namespace does not
 * exist, or every object in the namespace belongs to another group. Each is a warning (a log line, `/readyz?verbose`,
 * `/status`, the page and `vmcp_config_warnings{warning}`), not a readiness failure: an empty group is legitimate
 * (its MCPGroup may come later), and holding readiness would turn a typo into a failed rollout with no more
 * information than the warning gives.
 */

/** Every warning, as the metric's `warning` label. */
export const CONFIG_WARNING_CODES = ['group_missing', 'namespace_missing', 'all_out_of_group'] as const;

/** One kind of probable misconfiguration. */
export type ConfigWarningCode = (typeof CONFIG_WARNING_CODES)[number];

/** A probable misconfiguration, and what to check. */
export interface ConfigWarning {
  code: ConfigWarningCode;
  /** One sentence naming what is missing and, where known, what exists instead ("did you mean engineering?"). */
  message: string;
  /** The MCPGroups that exist in the namespace, when they could be listed. */
  existingGroups?: string[];
}

/** Where the service reads the current warnings. */
export interface ConfigWarningSource {
  current(): readonly ConfigWarning[];
  /** Calls `listener` when the set of warnings changes; returns a function that removes it. */
  onChange(listener: () => void): () => void;
}

/** No warnings, ever: static mode, and tests that do not exercise them. */
export const NO_CONFIG_WARNINGS: ConfigWarningSource = { current: () => [], onChange: () => () => undefined };
