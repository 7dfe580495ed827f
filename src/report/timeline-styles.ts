/** How timeline symbols are coloured. Renderers stay pure: the CLI passes chalk-based styles. */

export type Style = (text: string) => string;

export interface TimelineStyles {
  stall: Style;
  timeout: Style;
  escalate: Style;
  throttled: Style;
  busy: Style;
  backoff: Style;
  zombie: Style;
  idle: Style;
  label: Style;
  heading: Style;
}

const identity: Style = (text) => text;

/** No colour at all (NO_COLOR, files, golden tests): the symbols alone carry the meaning. */
export const PLAIN_STYLES: TimelineStyles = {
  stall: identity,
  timeout: identity,
  escalate: identity,
  throttled: identity,
  busy: identity,
  backoff: identity,
  zombie: identity,
  idle: identity,
  label: identity,
  heading: identity,
};
