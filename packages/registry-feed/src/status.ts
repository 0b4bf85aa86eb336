import type { FeedErrorKind } from './errors.ts';

/** Where the connection is. */
export type FeedState = 'idle' | 'connecting' | 'connected' | 'waiting' | 'closed';

/** The last failure, as {@link RegistryFeed.status} reports it (never a token, never a backend). */
export interface FeedErrorView {
  kind: FeedErrorKind;
  /** HTTP status, when the watcher answered. */
  status?: number;
  /** The cause the watcher named (`token_expired`, `access_denied`, `not_synced`, ...). */
  reason?: string;
  message: string;
  /** How long ago it happened. */
  ageMs: number;
}

/** A snapshot of a feed client's health. */
export interface FeedStatus {
  state: FeedState;
  /** The stream is open and has delivered its first answer. */
  connected: boolean;
  /** A reset has been applied since start: what the client serves came from the feed. */
  synced: boolean;
  /**
   * True when what is served may be behind the watcher: not connected, or never synced. The backends are still
   * served (the last known state), see `staleForMs`.
   */
  stale: boolean;
  /** Since when the served state may be behind (ms since the connection was lost, or since start); absent when fresh. */
  staleForMs?: number;
  /** Since the last byte from the feed (an event or a heartbeat); absent before the first. */
  lastEventAgeMs?: number;
  /** The watcher process (epoch) and registry version of the last event applied. */
  epoch?: string;
  version?: number;
  /** Backends held. */
  backends: number;
  /** Connection attempts after the first. */
  reconnects: number;
  /** Resets received, and how many of their backends were an actual change. */
  resets: number;
  lastError?: FeedErrorView;
}

/** `<epoch>.<version>` of an event id, or undefined for anything else. */
export function parseFeedEventId(id: string | undefined): { epoch: string; version: number } | undefined {
  const m = id === undefined ? null : /^([a-z0-9]{1,32})\.(\d{1,15})$/.exec(id);
  return m === null ? undefined : { epoch: m[1] as string, version: Number(m[2]) };
}
