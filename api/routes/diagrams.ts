/**
 * Case types as the console draws and drives them: each type's commands (title, rule, payload JSON
 * schema: what the decision forms render) and its machine's graph (states, nested ones included, and
 * the transitions with their event names), read from the XState definitions in machines/*.case.ts.
 * Nothing here is confidential or per case: the case page overlays the case's current state.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AnyStateMachine } from 'xstate';
import { applicationCase } from '../../machines/application.case.js';
import { conductReviewCase } from '../../machines/conductReview.case.js';
import { incidentCase } from '../../machines/incident.case.js';
import { inspectionCase } from '../../machines/inspection.case.js';
import type { CaseDefinition } from '../../machines/kit.js';
import { listingCase } from '../../machines/listing.case.js';
import { rectificationCase } from '../../machines/rectification.case.js';
import { roundCase } from '../../machines/round.case.js';
import { selectionPlanCase } from '../../machines/selectionPlan.case.js';
import type { ApiContext } from '../context.js';
import { ApiError, ErrorSchema } from '../errors.js';

/** Every hosted case type by name (the `caseType` of its cases and tasks). */
export const CASE_DEFINITIONS: Record<string, CaseDefinition> = Object.fromEntries(
  [selectionPlanCase, roundCase, applicationCase, listingCase, rectificationCase, inspectionCase, incidentCase, conductReviewCase].map((d) => [d.caseType, d as unknown as CaseDefinition]),
);

export type TransitionKind = 'command' | 'deadline' | 'signal' | 'always' | 'actor' | 'internal';

export interface DiagramState {
  /** The XState node id, e.g. `round.approval.awaitingLeader`. */
  id: string;
  key: string;
  /** The dotted path below the machine, e.g. `approval.awaitingLeader` (`''` for the machine itself); a case's leaf state is one of them. */
  path: string;
  parent: string | null;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** The state its parent enters first. */
  initial: boolean;
  /** Events this state handles without leaving it (targetless transitions): `deadlines.set`, reminders, votes… */
  internal: { event: string; kind: TransitionKind; guard: string | null }[];
}

export interface DiagramTransition {
  id: string;
  source: string;
  target: string;
  /** The event type (`APPROVE`, `deadline.reached`, `xstate.done.actor.draw`), or `always` for an eventless transition. */
  event: string;
  kind: TransitionKind;
  /** The guard's name when it has one (named guards; inline guards are anonymous). */
  guard: string | null;
}

export interface Diagram {
  caseType: string;
  machineId: string;
  states: DiagramState[];
  transitions: DiagramTransition[];
}

interface NodeLike {
  id: string;
  key: string;
  type: DiagramState['type'];
  path: string[];
  states: Record<string, NodeLike>;
  transitions: Map<string, EdgeLike[]>;
  always?: EdgeLike[];
  initial?: { target?: readonly { id: string }[] };
}
interface EdgeLike {
  target?: readonly { id: string }[];
  guard?: unknown;
}

function guardName(guard: unknown): string | null {
  if (typeof guard === 'string') return guard;
  if (guard && typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') return (guard as { type: string }).type;
  return null;
}

/** The graph of a machine: every state node (nested ones too) and every transition with its event. */
export function machineDiagram(definition: CaseDefinition): Diagram {
  const machine = definition.machine as AnyStateMachine;
  const root = machine.root as unknown as NodeLike;
  const signals = new Set(definition.signals ?? []);
  const kindOf = (event: string): TransitionKind => {
    if (event === 'always') return 'always';
    if (event in definition.commands) return 'command';
    if (event === 'deadline.reached') return 'deadline';
    if (signals.has(event)) return 'signal';
    if (event.startsWith('xstate.')) return 'actor';
    return 'internal';
  };
  const states: DiagramState[] = [];
  const transitions: DiagramTransition[] = [];
  const seen = new Map<string, number>();
  const walk = (node: NodeLike, parent: NodeLike | null) => {
    const internal: DiagramState['internal'] = [];
    const edges: [string, EdgeLike][] = [...[...node.transitions].flatMap(([event, ts]) => ts.map((t): [string, EdgeLike] => [event, t])), ...(node.always ?? []).map((t): [string, EdgeLike] => ['always', t])];
    for (const [event, t] of edges) {
      const guard = guardName(t.guard);
      const targets = t.target ?? [];
      if (targets.length === 0) {
        if (!internal.some((i) => i.event === event && i.guard === guard)) internal.push({ event, kind: kindOf(event), guard });
        continue;
      }
      for (const target of targets) {
        const base = `${node.id}->${target.id}:${event}`;
        const n = (seen.get(base) ?? 0) + 1;
        seen.set(base, n);
        transitions.push({ id: n === 1 ? base : `${base}#${n}`, source: node.id, target: target.id, event, kind: kindOf(event), guard });
      }
    }
    const parentInitial = parent?.initial?.target?.some((t) => t.id === node.id) ?? false;
    states.push({ id: node.id, key: node.key, path: node.path.join('.'), parent: parent?.id ?? null, type: node.type, initial: parentInitial, internal });
    for (const child of Object.values(node.states)) walk(child, node);
  };
  walk(root, null);
  return { caseType: definition.caseType, machineId: root.id, states, transitions };
}

const TransitionKindSchema = Type.Union([Type.Literal('command'), Type.Literal('deadline'), Type.Literal('signal'), Type.Literal('always'), Type.Literal('actor'), Type.Literal('internal')]);
export const DiagramSchema = Type.Object({
  caseType: Type.String(),
  machineId: Type.String(),
  states: Type.Array(
    Type.Object({
      id: Type.String(),
      key: Type.String(),
      path: Type.String(),
      parent: Type.Union([Type.String(), Type.Null()]),
      type: Type.String(),
      initial: Type.Boolean(),
      internal: Type.Array(Type.Object({ event: Type.String(), kind: TransitionKindSchema, guard: Type.Union([Type.String(), Type.Null()]) })),
    }),
  ),
  transitions: Type.Array(
    Type.Object({ id: Type.String(), source: Type.String(), target: Type.String(), event: Type.String(), kind: TransitionKindSchema, guard: Type.Union([Type.String(), Type.Null()]) }),
  ),
});

const CaseTypeSchema = Type.Object({
  caseType: Type.String(),
  signals: Type.Array(Type.String()),
  commands: Type.Array(
    Type.Object({
      type: Type.String(),
      title: Type.String(),
      rule: Type.String(),
      public: Type.Boolean({ description: 'sent by the public without an account (no form in the console)' }),
      payload: Type.Unknown({ description: 'the payload\'s JSON schema, as the case validates it' }),
    }),
  ),
});

function caseTypeView(d: CaseDefinition) {
  return {
    caseType: d.caseType,
    signals: [...(d.signals ?? [])],
    commands: Object.entries(d.commands).map(([type, c]) => ({ type, title: c.title, rule: c.rule, public: c.public === true, payload: JSON.parse(JSON.stringify(c.payload)) as unknown })),
  };
}

const CaseTypeParams = Type.Object({ caseType: Type.String({ pattern: '^[A-Za-z]{1,40}$' }) });
function definitionOf(caseType: string): CaseDefinition {
  const d = Object.hasOwn(CASE_DEFINITIONS, caseType) ? CASE_DEFINITIONS[caseType] : undefined;
  if (!d) throw new ApiError(404, 'NotFound', `no case type ${caseType}; one of ${Object.keys(CASE_DEFINITIONS).join(', ')}`);
  return d;
}

const diagrams = new Map<string, Diagram>();

export const diagramRoutes = (_ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/case-types',
    {
      schema: {
        tags: ['case types'],
        summary: 'Every case type with its commands: title, rule and payload JSON schema (what decision forms render)',
        security: [{ bearer: [] }],
        response: { 200: Type.Object({ items: Type.Array(CaseTypeSchema) }), 401: ErrorSchema },
      },
    },
    async () => ({ items: Object.values(CASE_DEFINITIONS).map(caseTypeView) }),
  );

  app.get(
    '/api/case-types/:caseType',
    {
      schema: {
        tags: ['case types'],
        summary: 'One case type with its commands: title, rule and payload JSON schema',
        security: [{ bearer: [] }],
        params: CaseTypeParams,
        response: { 200: CaseTypeSchema, 401: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (req) => caseTypeView(definitionOf(req.params.caseType)),
  );

  app.get(
    '/api/case-types/:caseType/diagram',
    {
      schema: {
        tags: ['case types'],
        summary: 'The case type\'s state machine as a graph: states (nested ones with their parent) and transitions with their event names',
        security: [{ bearer: [] }],
        params: CaseTypeParams,
        response: { 200: DiagramSchema, 401: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (req, reply) => {
      const d = definitionOf(req.params.caseType);
      let diagram = diagrams.get(d.caseType);
      if (!diagram) diagrams.set(d.caseType, (diagram = machineDiagram(d)));
      void reply.header('cache-control', 'private, max-age=300');
      return diagram;
    },
  );
};
