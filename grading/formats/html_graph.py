"""A failing case's graph drawn as inline SVG, computed here: no script, no font, no image.

The root is on top and each node's operands below it; a node used by several parents (a DAG) is
drawn once, at the depth of its longest path from the top, with an edge from every parent. The
nodes a check marked (CheckReport.marks: a gradient or value that differs) are drawn in red with a
thick dashed border AND the words "differs" and expected/actual, so colour is never the only sign.
Every string is escaped: a case's values come from a student's run.
"""
from html import escape

from checks.explain import decode, graphs_in
from checks.graphs import CLASS_NAMES, CONSTANT, LEAF_KINDS

MAX_NODES = 60          # a larger case is left to its text: a drawing that big helps nobody
CHAR_WIDTH, LINE_HEIGHT, PAD = 7.2, 15, 8   # 12px monospace: an upper bound of a glyph's width
LEVEL_GAP, SLOT_GAP = 44, 18
HEAD = ' class="head"'


def case_graphs(case):
    """[(caption, Graph)] of a case (JSON data), in the order the case holds them (the order of
    a mark's `graph` number); [] when the case holds none or cannot be read."""
    try:
        return list(graphs_in(decode(case)))
    except Exception:   # noqa: BLE001 - not a case this grader wrote: nothing to draw
        return []


def label(graph, i):
    """How reports name node i: p0, in1 (leaves), n3 (operations), or its value (a constant)."""
    node = graph.nodes[i]
    return repr(node.value) if node.kind == CONSTANT else graph.name(i)


def node_lines(graph, i, mark=None):
    """The text of node i's box: name and kind, its value where the case has one, the mark."""
    node = graph.nodes[i]
    kind = CLASS_NAMES.get(node.kind, node.kind)
    lines = [f'{label(graph, i)}  {kind}' if node.kind != CONSTANT else f'{node.value!r}  {kind}']
    if node.kind == 'param':
        lines.append(f'value={node.value!r} lr={node.learning_rate!r}')
    elif node.kind == 'input':
        lines.append(f'value={node.value!r}')
    if mark is not None:
        lines.append(f'✗ differs: {mark.get("what", "")}'[:60])
        if 'expected' in mark:
            lines.append(f'expected {_short(mark["expected"])}')
        lines.append(f'actual   {_short(mark.get("actual"))}')
    return lines


def _short(value):
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + '...'


def depths(graph):
    """Each node's depth: the longest path to it from a node no other node uses (the root)."""
    parents = graph.parents()
    depth = {}
    for i in reversed(range(len(graph.nodes))):   # users come after their operands
        depth[i] = max((depth[p] + 1 for p in parents[i]), default=0)
    return depth


def columns(graph, depth):
    """Each node's horizontal slot: leaves left to right as a depth-first walk meets them, an
    operation centred over its operands; then, on each level, nodes pushed apart to a slot each."""
    x, next_leaf = {}, [0.0]

    def place(i):
        if i in x:
            return x[i]
        operands = graph.nodes[i].operands
        if not operands:
            x[i], next_leaf[0] = next_leaf[0], next_leaf[0] + 1
        else:
            x[i] = None   # a cycle cannot occur (operands come first), but never loop
            spots = [place(o) for o in dict.fromkeys(operands)]
            x[i] = sum(s for s in spots if s is not None) / max(1, len(spots))
        return x[i]

    tops = [i for i in reversed(range(len(graph.nodes))) if depth[i] == 0]
    for top in tops:
        place(top)
    for level in set(depth.values()):
        row = sorted((i for i in x if depth[i] == level), key=lambda i: (x[i], i))
        for before, after in zip(row, row[1:]):
            x[after] = max(x[after], x[before] + 1)
    return x


def svg(graph, marks=(), title=''):
    """The graph as an <svg> element; `marks` the node marks of this graph (by node index)."""
    if len(graph.nodes) > MAX_NODES:
        return (f'<p class="note">The graph has {len(graph.nodes)} nodes, too many to draw: '
                'see the smallest failing case below.</p>')
    by_node = {m['node']: m for m in marks if isinstance(m.get('node'), int)}
    depth = depths(graph)
    x = columns(graph, depth)
    boxes = {i: node_lines(graph, i, by_node.get(i)) for i in range(len(graph.nodes))}
    width = max(len(line) for lines in boxes.values() for line in lines) * CHAR_WIDTH + 2 * PAD
    heights = {i: len(lines) * LINE_HEIGHT + 2 * PAD for i, lines in boxes.items()}
    slot, level = width + SLOT_GAP, max(heights.values()) + LEVEL_GAP
    left = {i: SLOT_GAP / 2 + x[i] * slot for i in x}
    top = {i: SLOT_GAP / 2 + depth[i] * level for i in x}
    total_w = (max(x.values()) + 1) * slot
    total_h = (max(depth.values()) + 1) * level - LEVEL_GAP + SLOT_GAP
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" role="img" '
             f'width="{total_w:.0f}" height="{total_h:.0f}" viewBox="0 0 {total_w:.0f} '
             f'{total_h:.0f}" aria-label="{escape(title or graph.formula(), quote=True)}">',
             f'<title>{escape(title or graph.formula())}</title>']
    for i, node in enumerate(graph.nodes):   # edges first: the boxes are drawn over them
        n = len(node.operands)
        for k, operand in enumerate(node.operands):
            start = left[i] + width / 2 + (k - (n - 1) / 2) * min(12, width / (n + 1))
            parts.append(f'<line class="edge" x1="{start:.1f}" y1="{top[i] + heights[i]:.1f}" '
                         f'x2="{left[operand] + width / 2:.1f}" y2="{top[operand]:.1f}"/>')
    for i in range(len(graph.nodes)):
        parts.append(_box(i, graph, boxes[i], left[i], top[i], width, heights[i], i in by_node))
    parts.append('</svg>')
    return '\n'.join(parts)


def _box(i, graph, lines, x, y, width, height, marked):
    kind = graph.nodes[i].kind
    css = 'node marked' if marked else f'node {"leaf" if kind in LEAF_KINDS else "op"}'
    texts = ''.join(
        f'<text x="{x + PAD:.1f}" y="{y + PAD + (n + 1) * LINE_HEIGHT - 4:.1f}"'
        f'{HEAD if n == 0 else ""}>{escape(line)}</text>' for n, line in enumerate(lines))
    return (f'<g class="{css}" data-node="{escape(label(graph, i), quote=True)}">'
            f'<title>{escape(" / ".join(lines))}</title>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" rx="5"/>'
            f'{texts}</g>')


def drawings(check):
    """Every graph of a check's case drawn, each with its caption and the marks on it: HTML."""
    graphs = case_graphs(check.case) if check.case is not None else []
    marks = (check.marks or {}).get('nodes') or []
    out = []
    for number, (caption, graph) in enumerate(graphs):
        mine = [m for m in marks if isinstance(m, dict) and m.get('graph') == number]
        try:
            drawn = svg(graph, mine)
            formula = graph.formula() if len(graph.nodes) <= MAX_NODES else ''
        except Exception:   # noqa: BLE001 - a drawing must never cost the report
            continue
        words = ': '.join(w for w in (caption, formula[:200]) if w)
        out.append(f'<figure class="drawing"><figcaption>{escape(words)}</figcaption>'
                   f'{drawn}</figure>')
    return '\n'.join(out)
