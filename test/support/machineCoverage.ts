/**
 * Transition coverage for model-based machine tests: every transition a machine declares, and the ones
 * taken from the states a traversal reached (event transitions by `getTransitionData`, eventless
 * `always` transitions among each step's microsteps). A machine test asserts the two sets are equal.
 */
import { getMicrosteps, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';

type Node = AnyStateMachine['root'];
const key = (node: Node, type: string, index: number) => `${node.path.join('.') || '(root)'}:${type}#${index}`;

export function declaredTransitions(machine: AnyStateMachine): string[] {
  const all: string[] = [];
  const walk = (node: Node) => {
    for (const [type, ts] of node.transitions) ts.forEach((_, i) => all.push(key(node, type, i)));
    (node.always ?? []).forEach((_, i) => all.push(key(node, 'always', i)));
    Object.values(node.states).forEach((n) => walk(n as Node));
  };
  walk(machine.root);
  return all.sort();
}

export function takenTransitions(machine: AnyStateMachine, states: AnyMachineSnapshot[], events: { type: string }[]): string[] {
  const taken = new Set<string>();
  for (const snap of states) {
    for (const event of events) {
      for (const t of machine.getTransitionData(snap as never, event as never) ?? []) {
        taken.add(key(t.source as Node, t.eventType, t.source.transitions.get(t.eventType)!.indexOf(t)));
      }
      const micro = getMicrosteps(machine, snap as never, event as never);
      micro.forEach(([mid], i) => {
        const next = micro[i + 1]?.[0] as AnyMachineSnapshot | undefined;
        if (!next) return;
        for (const node of (mid as AnyMachineSnapshot)._nodes) {
          (node.always ?? []).forEach((t, k) => {
            if ((t.target ?? []).some((target) => next._nodes.some((n) => n.id === target.id))) taken.add(key(node as Node, 'always', k));
          });
        }
      });
    }
  }
  return [...taken].sort();
}
