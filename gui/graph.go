package gui

import (
	"slices"

	"fyne.io/fyne/v2"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// Sizes of the graph's boxes and the gaps between them, at full scale.
const (
	batchW, batchH       = 172, 96
	transferW, transferH = 150, 64
	colGap, rowGap       = 132, 18
	graphPad             = 10
)

// graphEdge is a link drawn between two boxes. A shipment between
// organisations that led on to other batches is drawn as a labelled edge
// (via) rather than a box of its own, to keep the picture narrow.
type graphEdge struct {
	from, to int
	qty      *protocol.Quantity
	via      *provenance.Node
	failing  bool
}

// graphLayout is where each box of a provenance graph goes: columns from
// left to right in the order material flows (origins in the first column,
// each box one column right of everything it came from), rows ordered to
// keep edges short.
type graphLayout struct {
	nodes []provenance.Node
	col   []int
	pos   []fyne.Position
	size  []fyne.Size
	index map[string]int
	edges []graphEdge
	total fyne.Size
}

// layoutGraph places the nodes of g.
func layoutGraph(g provenance.Graph) *graphLayout {
	l := &graphLayout{index: map[string]int{}}
	in := map[string][]provenance.Edge{}
	out := map[string][]provenance.Edge{}
	for _, e := range g.Edges {
		in[e.To] = append(in[e.To], e)
		out[e.From] = append(out[e.From], e)
	}
	known := map[string]provenance.Node{}
	for _, n := range g.Nodes {
		known[n.ID] = n
	}
	// A transfer with one way in and some way out becomes edges.
	contracted := func(n provenance.Node) bool {
		return n.Kind == provenance.NodeTransfer && len(in[n.ID]) == 1 && len(out[n.ID]) > 0
	}
	for _, n := range g.Nodes {
		if !contracted(n) {
			l.index[n.ID] = len(l.nodes)
			l.nodes = append(l.nodes, n)
		}
	}
	for _, e := range g.Edges {
		a, ok1 := l.index[e.From]
		b, ok2 := l.index[e.To]
		switch {
		case ok1 && ok2 && a != b:
			l.edges = append(l.edges, graphEdge{from: a, to: b, qty: e.Qty, failing: known[e.To].Failing})
		case !ok1 && ok2:
			t := known[e.From]
			if !contracted(t) {
				continue
			}
			src, ok := l.index[in[t.ID][0].From]
			if !ok {
				continue
			}
			l.edges = append(l.edges, graphEdge{from: src, to: b, qty: e.Qty, via: &t, failing: t.Failing || known[e.To].Failing})
		}
	}
	l.place()
	return l
}

// place assigns columns, rows and positions.
func (l *graphLayout) place() {
	n := len(l.nodes)
	preds := make([][]int, n)
	for _, e := range l.edges {
		preds[e.to] = append(preds[e.to], e.from)
	}
	// Column: the longest path from a box with no inputs.
	l.col = make([]int, n)
	state := make([]int8, n)
	var colOf func(i int) int
	colOf = func(i int) int {
		if state[i] != 0 {
			return l.col[i] // done, or a cycle (never in a valid graph)
		}
		state[i] = 1
		c := 0
		for _, p := range preds[i] {
			c = max(c, colOf(p)+1)
		}
		l.col[i], state[i] = c, 2
		return c
	}
	cols := 0
	for i := range n {
		cols = max(cols, colOf(i)+1)
	}
	// Rows: graph order, then each column sorted by the mean row of its
	// inputs (the barycentre heuristic), a few sweeps.
	byCol := make([][]int, cols)
	for i := range n {
		byCol[l.col[i]] = append(byCol[l.col[i]], i)
	}
	row := make([]float64, n)
	setRows := func() {
		for _, c := range byCol {
			for r, i := range c {
				row[i] = float64(r)
			}
		}
	}
	setRows()
	for range 4 {
		for c := 1; c < cols; c++ {
			key := map[int]float64{}
			for _, i := range byCol[c] {
				key[i] = row[i]
				if len(preds[i]) > 0 {
					s := 0.0
					for _, p := range preds[i] {
						s += row[p]
					}
					key[i] = s / float64(len(preds[i]))
				}
			}
			slices.SortStableFunc(byCol[c], func(a, b int) int {
				switch {
				case key[a] < key[b]:
					return -1
				case key[a] > key[b]:
					return 1
				}
				return 0
			})
			setRows()
		}
	}
	// Positions: each column as wide as its widest box and centred on the
	// tallest column.
	l.pos = make([]fyne.Position, n)
	l.size = make([]fyne.Size, n)
	heights := make([]float32, cols)
	widths := make([]float32, cols)
	for i, nd := range l.nodes {
		l.size[i] = fyne.NewSize(batchW, batchH)
		if nd.Kind == provenance.NodeTransfer {
			l.size[i] = fyne.NewSize(transferW, transferH)
		}
		widths[l.col[i]] = max(widths[l.col[i]], l.size[i].Width)
	}
	var tallest float32
	for c, ids := range byCol {
		for _, i := range ids {
			heights[c] += l.size[i].Height + rowGap
		}
		tallest = max(tallest, heights[c])
	}
	x := float32(graphPad)
	for c, ids := range byCol {
		y := graphPad + (tallest-heights[c])/2
		for _, i := range ids {
			l.pos[i] = fyne.NewPos(x+(widths[c]-l.size[i].Width)/2, y)
			y += l.size[i].Height + rowGap
		}
		x += widths[c] + colGap
	}
	l.total = fyne.NewSize(x-colGap+graphPad, tallest+graphPad)
}

// start returns the index of the scanned batch's box, or -1.
func (l *graphLayout) start() int {
	return slices.IndexFunc(l.nodes, func(n provenance.Node) bool { return n.Role == "start" })
}
