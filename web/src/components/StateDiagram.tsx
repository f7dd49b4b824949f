/**
 * A case's state machine drawn as a diagram (@xyflow/react), laid out by ELK (elkjs, layered, with
 * nested states as boxes inside their parent), the current state highlighted and the transitions
 * it can take next drawn in colour. Takes the graph of `GET /api/case-types/:caseType/diagram`.
 *
 * Shared: the institution portal can show where its application stands with the same component.
 * Test ids: `state-diagram` (the container), `state-current` (the current leaf state), `state-active`
 * (its parent states).
 */
import { Background, BaseEdge, Controls, EdgeLabelRenderer, Handle, MarkerType, Position, ReactFlow, type Edge, type EdgeProps, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Alert, Space, Spin, Tag, Tooltip, Typography } from 'antd';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { COMPONENTS_NS } from './i18n';

export type TransitionKind = 'command' | 'deadline' | 'signal' | 'always' | 'actor' | 'internal';

/** The graph the API returns for a case type. */
export interface Diagram {
  caseType: string;
  machineId: string;
  states: {
    id: string;
    key: string;
    path: string;
    parent: string | null;
    type: string;
    initial: boolean;
    internal: { event: string; kind: TransitionKind; guard: string | null }[];
  }[];
  transitions: { id: string; source: string; target: string; event: string; kind: TransitionKind; guard: string | null }[];
}

export interface StateDiagramProps {
  diagram: Diagram;
  /** The case's current leaf state as a dotted path (`approval.awaitingLeader`); its ancestors are active too. */
  current?: string | null;
  stateLabel: (key: string, path: string) => string;
  eventLabel: (event: string, kind: TransitionKind, guard: string | null) => string;
  height?: number;
}

const COLORS = { current: '#1677ff', active: '#91caff', possible: '#1677ff', idle: '#bfbfbf', text: '#262626', final: '#595959' };
const ANY = '__any';

/** Rough text width for layout: CJK characters are about twice as wide as Latin ones. */
function textWidth(text: string, px: number): number {
  let w = 0;
  for (const ch of text) w += ch.codePointAt(0)! > 0x2e80 ? px : px * 0.55;
  return Math.ceil(w);
}

interface StateNodeData extends Record<string, unknown> {
  label: string;
  path: string;
  group: boolean;
  current: boolean;
  active: boolean;
  final: boolean;
  initial: boolean;
  any: boolean;
  handles: string[];
  handlesTitle: string;
}

function StateNode({ data }: NodeProps<Node<StateNodeData>>) {
  const border = data.current ? COLORS.current : data.active ? COLORS.current : data.any ? COLORS.idle : COLORS.final;
  const style: React.CSSProperties = data.group
    ? {
        width: '100%',
        height: '100%',
        border: `1.5px ${data.active ? 'solid' : 'dashed'} ${data.active ? COLORS.current : COLORS.idle}`,
        borderRadius: 10,
        background: data.active ? 'rgba(22,119,255,0.04)' : 'rgba(0,0,0,0.015)',
        padding: '6px 10px',
        fontSize: 12,
        fontWeight: 600,
        color: data.active ? COLORS.current : COLORS.text,
      }
    : {
        width: '100%',
        height: '100%',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        gap: 4,
        border: data.final ? `3px double ${border}` : `1.5px ${data.any ? 'dashed' : 'solid'} ${border}`,
        borderRadius: data.any ? 16 : 8,
        background: data.current ? COLORS.current : '#fff',
        color: data.current ? '#fff' : COLORS.text,
        fontSize: 13,
        fontWeight: data.current ? 600 : 400,
        boxShadow: data.current ? '0 0 0 4px rgba(22,119,255,0.2)' : undefined,
        padding: '0 8px',
        whiteSpace: 'nowrap',
      };
  const body = (
    <div style={style} data-testid={data.current ? 'state-current' : data.active ? 'state-active' : undefined} data-state={data.path}>
      <Handle type="target" position={Position.Top} isConnectable={false} style={{ opacity: 0 }} />
      {data.initial && <span aria-hidden style={{ fontSize: 9 }}>●</span>}
      <span>{data.label}</span>
      <Handle type="source" position={Position.Bottom} isConnectable={false} style={{ opacity: 0 }} />
    </div>
  );
  return data.handles.length ? (
    <Tooltip
      title={
        <div>
          <div>{data.handlesTitle}</div>
          {data.handles.map((h) => (
            <div key={h}>· {h}</div>
          ))}
        </div>
      }
    >
      {body}
    </Tooltip>
  ) : (
    body
  );
}

interface ElkEdgeData extends Record<string, unknown> {
  points: { x: number; y: number }[];
  label: { x: number; y: number; text: string } | null;
  possible: boolean;
}

function ElkEdgeView({ id, data, markerEnd, style }: EdgeProps<Edge<ElkEdgeData>>) {
  if (!data || data.points.length < 2) return null;
  const [first, ...rest] = data.points;
  const path = `M ${first!.x} ${first!.y} ${rest.map((p) => `L ${p.x} ${p.y}`).join(' ')}`;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={style} />
      {data.label && (
        <EdgeLabelRenderer>
          <div
            className="nodrag nopan"
            style={{
              position: 'absolute',
              transform: `translate(${data.label.x}px, ${data.label.y}px)`,
              fontSize: 11,
              lineHeight: '14px',
              padding: '0 2px',
              background: 'rgba(255,255,255,0.9)',
              color: data.possible ? COLORS.possible : '#8c8c8c',
              fontWeight: data.possible ? 600 : 400,
              whiteSpace: 'nowrap',
            }}
          >
            {data.label.text}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

const nodeTypes = { state: StateNode };
const edgeTypes = { elk: ElkEdgeView };

interface Layout {
  nodes: Node<StateNodeData>[];
  edges: Edge<ElkEdgeData>[];
}

async function layout(props: StateDiagramProps, words: { anyState: string; handles: string }): Promise<Layout> {
  const { diagram, current, stateLabel, eventLabel } = props;
  const root = diagram.states.find((s) => s.parent === null);
  const states = diagram.states.filter((s) => s !== root);
  const activePaths = new Set<string>();
  if (current) current.split('.').forEach((_, i, parts) => activePaths.add(parts.slice(0, i + 1).join('.')));
  const rootTransitions = diagram.transitions.filter((t) => t.source === root?.id);
  const byId = new Map(states.map((s) => [s.id, s]));
  const hasChildren = new Set(states.map((s) => s.parent));
  const currentFinal = states.some((s) => s.path === current && s.type === 'final');

  const elkNodes = new Map<string, ElkNode>();
  const top: ElkNode[] = [];
  if (rootTransitions.length) top.push({ id: ANY, width: textWidth(words.anyState, 13) + 32, height: 32 });
  for (const s of states) {
    const label = stateLabel(s.key, s.path);
    const group = hasChildren.has(s.id);
    elkNodes.set(s.id, group ? { id: s.id, children: [], layoutOptions: { 'elk.padding': `[top=${30},left=12,bottom=12,right=12]` } } : { id: s.id, width: Math.max(96, textWidth(label, 13) + 36), height: 38 });
  }
  for (const s of states) {
    const n = elkNodes.get(s.id)!;
    const parent = s.parent && s.parent !== root?.id ? elkNodes.get(s.parent) : undefined;
    (parent ? parent.children! : top).push(n);
  }
  const edges: ElkExtendedEdge[] = diagram.transitions.map((t) => {
    const text = eventLabel(t.event, t.kind, t.guard);
    return { id: t.id, sources: [t.source === root?.id ? ANY : t.source], targets: [t.target], labels: [{ text, width: textWidth(text, 11) + 6, height: 14 }] };
  });

  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const result = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.json.edgeCoords': 'ROOT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.spacing.nodeNode': '28',
      'elk.spacing.edgeLabel': '4',
    },
    children: top,
    edges,
  });

  const nodes: Node<StateNodeData>[] = [];
  const visit = (n: ElkNode, parentId: string | undefined) => {
    const s = byId.get(n.id);
    const group = !!n.children?.length;
    const active = s ? activePaths.has(s.path) : n.id === ANY && !currentFinal;
    nodes.push({
      id: n.id,
      type: 'state',
      position: { x: n.x ?? 0, y: n.y ?? 0 },
      width: n.width,
      height: n.height,
      style: { width: n.width, height: n.height },
      ...(parentId ? { parentId, extent: 'parent' as const } : {}),
      draggable: false,
      selectable: false,
      zIndex: group ? 0 : 1,
      data: {
        label: s ? stateLabel(s.key, s.path) : words.anyState,
        path: s?.path ?? '',
        group,
        current: !!s && s.path === current,
        active: !!s && active && s.path !== current,
        final: s?.type === 'final',
        initial: s?.initial ?? false,
        any: n.id === ANY,
        handles: (s?.internal ?? []).filter((i) => i.kind !== 'internal' || i.event !== 'deadlines.set').map((i) => eventLabel(i.event, i.kind, i.guard)),
        handlesTitle: words.handles,
      },
    });
    for (const c of n.children ?? []) visit(c, n.id);
  };
  for (const n of result.children ?? []) visit(n, undefined);

  const activeSources = new Set<string>([...states.filter((s) => activePaths.has(s.path)).map((s) => s.id), ...(currentFinal ? [] : [ANY])]);
  const outEdges: Edge<ElkEdgeData>[] = (result.edges ?? []).map((e) => {
    const section = e.sections?.[0];
    const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
    const label = e.labels?.[0];
    const source = e.sources[0]!;
    const possible = activeSources.has(source);
    return {
      id: e.id,
      source,
      target: e.targets[0]!,
      type: 'elk',
      zIndex: 2,
      markerEnd: { type: MarkerType.ArrowClosed, color: possible ? COLORS.possible : COLORS.idle, width: 16, height: 16 },
      style: { stroke: possible ? COLORS.possible : COLORS.idle, strokeWidth: possible ? 1.8 : 1.2 },
      data: { points, label: label ? { x: label.x ?? 0, y: label.y ?? 0, text: label.text ?? '' } : null, possible },
    };
  });
  return { nodes, edges: outEdges };
}

export function StateDiagram(props: StateDiagramProps) {
  const { t } = useTranslation(COMPONENTS_NS);
  const [result, setResult] = useState<Layout | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const words = useMemo(() => ({ anyState: t('diagram.anyState'), handles: t('diagram.handles') }), [t]);
  const { diagram, current, stateLabel, eventLabel } = props;

  useEffect(() => {
    let live = true;
    setFailed(null);
    layout({ diagram, current, stateLabel, eventLabel }, words).then(
      (r) => live && setResult(r),
      (e: unknown) => live && setFailed(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [diagram, current, stateLabel, eventLabel, words]);

  const height = props.height ?? 520;
  return (
    <div>
      <div data-testid="state-diagram" data-current-state={current ?? ''} style={{ height, border: '1px solid #f0f0f0', borderRadius: 8, background: '#fafafa' }}>
        {failed ? (
          <Alert type="warning" showIcon title={t('diagram.layoutFailed')} description={failed} />
        ) : !result ? (
          <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'center', height: '100%' }}>
            <Spin />
          </div>
        ) : (
          <ReactFlow
            key={`${diagram.caseType}:${current ?? ''}:${result.nodes.length}`}
            nodes={result.nodes}
            edges={result.edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            fitView
            fitViewOptions={{ padding: 0.08 }}
            minZoom={0.15}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            zoomOnScroll={false}
            preventScrolling={false}
          >
            <Background gap={16} size={1} />
            <Controls showInteractive={false} />
          </ReactFlow>
        )}
      </div>
      <Space size={4} wrap style={{ marginTop: 8 }}>
        <Typography.Text type="secondary">{t('diagram.legend')}:</Typography.Text>
        <Tag color="blue">{t('diagram.current')}</Tag>
        <Tag style={{ borderColor: COLORS.current, color: COLORS.current, background: '#fff' }}>{t('diagram.active')}</Tag>
        <Tag style={{ borderColor: COLORS.possible, color: COLORS.possible, background: '#fff' }}>→ {t('diagram.possible')}</Tag>
        <Tag style={{ borderStyle: 'double', borderWidth: 3 }}>{t('diagram.final')}</Tag>
        <Tag>● {t('diagram.initial')}</Tag>
      </Space>
    </div>
  );
}

export default StateDiagram;
