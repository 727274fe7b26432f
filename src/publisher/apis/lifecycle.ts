/**
 * WSO2's default API lifecycle (APILifeCycle.xml): states, the actions that move between them, and how each
 * appears in the REST API (upper case in `lifeCycleStatus`, capitalised in lifecycle states and history).
 */
export const LIFECYCLE_STATES = [
  'CREATED',
  'PROTOTYPED',
  'PUBLISHED',
  'BLOCKED',
  'DEPRECATED',
  'RETIRED',
] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATES)[number];

export const LIFECYCLE_ACTIONS = [
  'Publish',
  'Deploy as a Prototype',
  'Demote to Created',
  'Block',
  'Re-Publish',
  'Deprecate',
  'Retire',
] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

const TRANSITIONS: Record<LifecycleStatus, Partial<Record<LifecycleAction, LifecycleStatus>>> = {
  CREATED: { Publish: 'PUBLISHED', 'Deploy as a Prototype': 'PROTOTYPED' },
  PROTOTYPED: { Publish: 'PUBLISHED', 'Deploy as a Prototype': 'PROTOTYPED', 'Demote to Created': 'CREATED' },
  PUBLISHED: {
    Publish: 'PUBLISHED',
    Block: 'BLOCKED',
    'Deploy as a Prototype': 'PROTOTYPED',
    'Demote to Created': 'CREATED',
    Deprecate: 'DEPRECATED',
  },
  BLOCKED: { 'Re-Publish': 'PUBLISHED', Deprecate: 'DEPRECATED' },
  DEPRECATED: { Retire: 'RETIRED' },
  RETIRED: {},
};

/** `PUBLISHED` → `Published`, as WSO2 writes states in lifecycle resources. */
export function displayState(status: LifecycleStatus): string {
  return status.charAt(0) + status.slice(1).toLowerCase();
}

export function allowedActions(status: LifecycleStatus): LifecycleAction[] {
  return Object.keys(TRANSITIONS[status]) as LifecycleAction[];
}

/** The state an action leads to, or undefined when the action is not allowed from this state. */
export function transition(status: LifecycleStatus, action: string): LifecycleStatus | undefined {
  return TRANSITIONS[status][action as LifecycleAction];
}
