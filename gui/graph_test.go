package gui

import (
	"testing"

	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

func TestGraphPutsOriginsLeftOfTheScannedBatch(t *testing.T) {
	for _, s := range []*scenario.Scenario{scenario.HonestPalm(), scenario.DoubleClaim(), scenario.HonestElectronics(), scenario.MissingAncestor()} {
		for _, forward := range []bool{false, true} {
			id := s.Batch
			if forward {
				// Recall from the mill's CPO: descendants lie right of it.
				id.Record = s.Marks["mill.process"].CID
				if id.Record.IsZero() {
					continue
				}
				id.Index = 0
			}
			r, err := provenance.Verify(t.Context(), provenance.NewMemSource(s.Records...), id, provenance.Options{Anchors: s.Anchors, Forward: forward})
			if err != nil {
				t.Fatal(err)
			}
			l := layoutGraph(r.Graph)
			st := l.start()
			if st < 0 {
				t.Fatalf("%s: no start node among %d", s.Name, len(l.nodes))
			}
			origins := 0
			for i, n := range l.nodes {
				switch {
				case n.Type == "origin":
					origins++
					if l.pos[i].X >= l.pos[st].X && i != st {
						t.Errorf("%s (forward %v): origin %s at x=%v is not left of the scanned batch at x=%v", s.Name, forward, n.Product, l.pos[i].X, l.pos[st].X)
					}
				case n.Role == "descendant":
					if l.pos[i].X <= l.pos[st].X {
						t.Errorf("%s: descendant %s is not right of the scanned batch", s.Name, n.Product)
					}
				}
				if l.pos[i].X < 0 || l.pos[i].Y < 0 || l.pos[i].X+l.size[i].Width > l.total.Width || l.pos[i].Y+l.size[i].Height > l.total.Height {
					t.Errorf("%s: box %s lies outside the picture", s.Name, n.ID)
				}
			}
			if origins == 0 && s.Name != "palm-missing-ancestor" {
				t.Errorf("%s: no origin in the graph", s.Name)
			}
			for _, e := range l.edges {
				if l.pos[e.from].X >= l.pos[e.to].X {
					t.Errorf("%s: an edge goes right to left", s.Name)
				}
			}
		}
	}
}

func TestGraphDrawsShipmentsOnEdgesAndMarksFailures(t *testing.T) {
	s := scenario.DoubleClaim()
	r, err := provenance.Verify(t.Context(), provenance.NewMemSource(s.Records...), s.Batch, provenance.Options{Anchors: s.Anchors})
	if err != nil {
		t.Fatal(err)
	}
	l := layoutGraph(r.Graph)
	vias, failing := 0, 0
	for _, e := range l.edges {
		if e.via != nil {
			vias++
		}
	}
	for _, n := range l.nodes {
		if n.Failing {
			failing++
		}
	}
	if vias < 3 {
		t.Errorf("%d shipments drawn on edges, want the 3 of the chain", vias)
	}
	if failing == 0 {
		t.Error("no box is marked as failing in a double claim")
	}
	// Drawing at two scales makes objects without panicking.
	gw := &graphWidget{l: l}
	r2 := gw.CreateRenderer().(*graphRenderer)
	r2.Layout(l.total)
	n1 := len(r2.Objects())
	r2.Layout(l.total.Subtract(l.total).AddWidthHeight(l.total.Width/2, l.total.Height/2))
	if len(r2.Objects()) != n1 || r2.scale != minGraphScale {
		t.Errorf("rebuilt at scale %v with %d objects, want %v and %d", r2.scale, len(r2.Objects()), minGraphScale, n1)
	}
}
