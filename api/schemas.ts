/** Response schemas shared by routes (they also document the API in /openapi.json). */
import { Type } from 'typebox';

export const AssigneeSchema = Type.Object({ role: Type.String(), unit: Type.String() });
export const PrincipalSchema = Type.Object({ id: Type.String(), name: Type.String(), role: Type.String(), unit: Type.String() });
export const StatusSchema = Type.Object({ code: Type.String(), label: Type.String(), final: Type.Boolean() });
export const DeadlineSchema = Type.Object(
  {
    name: Type.String(),
    rule: Type.String(),
    at: Type.String({ description: 'ISO instant (UTC)' }),
    date: Type.String({ description: 'Asia/Shanghai calendar day' }),
    provisional: Type.Boolean(),
    explanation: Type.Object({ text: Type.String() }, { additionalProperties: true }),
  },
  { additionalProperties: true },
);
export const GrantSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  rule: Type.String(),
  assignee: AssigneeSchema,
  taskKey: Type.Optional(Type.String()),
});
export const CaseSchema = Type.Object({
  caseId: Type.String(),
  caseType: Type.String(),
  seq: Type.Integer(),
  status: StatusSchema,
  state: Type.Unknown(),
  owner: Type.String(),
  summary: Type.Record(Type.String(), Type.Unknown()),
  deadlines: Type.Array(DeadlineSchema),
  availableActions: Type.Array(GrantSchema),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const TaskSchema = Type.Object({
  taskId: Type.String(),
  caseId: Type.String(),
  caseType: Type.String(),
  step: Type.String(),
  title: Type.String(),
  rule: Type.String(),
  assignee: AssigneeSchema,
  actions: Type.Array(Type.String()),
  escalation: Type.Boolean(),
  status: Type.String(),
  claimedBy: Type.Union([Type.Object({ id: Type.String(), name: Type.String(), at: Type.String() }), Type.Null()]),
  due: Type.Union([Type.String(), Type.Null()]),
  dueDate: Type.Union([Type.String(), Type.Null()]),
  dueExplanation: Type.Union([Type.String(), Type.Null()]),
  provisional: Type.Boolean(),
  overdue: Type.Boolean(),
  remindersSent: Type.Array(Type.Object({ deadline: Type.String(), at: Type.String() })),
  createdAt: Type.String(),
  closedAt: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.Union([Type.Object({ action: Type.String(), by: PrincipalSchema, at: Type.String() }), Type.Null()]),
});
export const CommandResultSchema = Type.Object({
  caseId: Type.String(),
  seq: Type.Integer(),
  status: StatusSchema,
  state: Type.Unknown(),
  tasks: Type.Array(Type.Object({ key: Type.String(), step: Type.String(), title: Type.String(), due: Type.Union([Type.String(), Type.Null()]) }, { additionalProperties: true })),
});
