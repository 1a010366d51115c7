/**
 * One Event storage, two APIs: the real server keeps events once and serves them as core/v1 and
 * events.k8s.io/v1, renaming fields between the two. Stored in core form here.
 */
type Obj = Record<string, unknown>;

/** core/v1 field -> events.k8s.io/v1 field. */
const RENAMES: readonly [core: string, events: string][] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['reportingComponent', 'reportingController'],
];

function rename(object: Obj, from: 0 | 1, apiVersion: string): Obj {
  const out: Obj = { ...object, apiVersion };
  for (const pair of RENAMES) {
    const source = pair[from];
    const target = pair[from === 0 ? 1 : 0];
    if (!(source in out)) continue;
    out[target] = out[source];
    delete out[source];
  }
  return out;
}

export function toEventsV1(core: Obj): Obj {
  return rename(core, 0, 'events.k8s.io/v1');
}

export function toCoreEvent(eventsV1: Obj): Obj {
  return rename(eventsV1, 1, 'v1');
}
