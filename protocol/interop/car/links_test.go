package car_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/ipld/go-car/v2/storage"
	"github.com/ipld/go-ipld-prime/codec/dagcbor"
	"github.com/ipld/go-ipld-prime/datamodel"
	"github.com/ipld/go-ipld-prime/linking"
	cidlink "github.com/ipld/go-ipld-prime/linking/cid"
	"github.com/ipld/go-ipld-prime/node/basicnode"
	"github.com/ipld/go-ipld-prime/traversal"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// namedLinks returns the CIDs record r names, from its Go fields: what an
// IPLD tool should find as links in its block.
func namedLinks(t *testing.T, r *protocol.Record) []string {
	t.Helper()
	var out []protocol.CID
	if !r.Prev.IsZero() {
		out = append(out, r.Prev)
	}
	switch b := r.Body.(type) {
	case *protocol.Org, *protocol.Device, *protocol.Endorse, *protocol.Place:
	case *protocol.Revoke:
		if b.Record != nil {
			out = append(out, *b.Record)
		}
	case *protocol.Origin:
		out = append(out, b.Places...)
	case *protocol.Process:
		for _, in := range b.In {
			out = append(out, in.Batch.Record)
		}
		if b.Place != nil {
			out = append(out, *b.Place)
		}
	case *protocol.Transfer:
		out = append(out, b.Batch.Record)
	case *protocol.Receive:
		out = append(out, b.Transfer)
	case *protocol.Correct:
		out = append(out, b.Record)
		if b.By != nil {
			out = append(out, *b.By)
		}
	default:
		t.Fatalf("a %s record: the test does not know which CIDs it names", r.Type())
	}
	s := make([]string, len(out))
	for i, c := range out {
		s[i] = c.String()
	}
	slices.Sort(s)
	return s
}

// TestLinksIntact reads every scenario's file as IPFS does: go-car's
// storage under a go-ipld-prime link system, each block decoded with the
// dagcbor codec. The links it finds in each block are exactly the CIDs the
// record names, every link to a record in the file loads from the file,
// and dagcbor encodes each block back to its exact bytes.
func TestLinksIntact(t *testing.T) {
	ctx := context.Background()
	followed := 0
	for _, s := range scenario.All() {
		_, recs := evidence(t, s, true)
		roots := rootsOf(s, recs)
		st, err := storage.OpenReadable(bytes.NewReader(export(t, roots, recs)))
		if err != nil {
			t.Fatalf("%s: go-car: %v", s.Name, err)
		}
		lsys := cidlink.DefaultLinkSystem()
		lsys.SetReadStorage(st)
		in := map[string]bool{}
		for _, r := range recs {
			in[r.CID.String()] = true
		}
		for _, r := range recs {
			n, err := lsys.Load(linking.LinkContext{Ctx: ctx}, cidlink.Link{Cid: r.CID.Cid()}, basicnode.Prototype.Any)
			if err != nil {
				t.Fatalf("%s: load %s from the file: %v", s.Name, r.CID, err)
			}
			var again bytes.Buffer
			if err := dagcbor.Encode(n, &again); err != nil || !bytes.Equal(again.Bytes(), r.Bytes) {
				t.Errorf("%s: %s record %s: dagcbor encodes it differently (%v)", s.Name, r.Type(), r.CID.Short(), err)
			}
			links, err := traversal.SelectLinks(n)
			if err != nil {
				t.Fatal(err)
			}
			found := make([]string, len(links))
			for i, l := range links {
				found[i] = l.String()
			}
			slices.Sort(found)
			if want := namedLinks(t, r.Record); !slices.Equal(found, want) {
				t.Errorf("%s: %s record %s: dagcbor finds links %v, the record names %v", s.Name, r.Type(), r.CID.Short(), found, want)
			}
			for _, l := range links {
				if !in[l.String()] {
					continue // the file need not hold a feed's whole past
				}
				if _, err := lsys.Load(linking.LinkContext{Ctx: ctx}, l, basicnode.Prototype.Any); err != nil {
					t.Errorf("%s: link %s in %s does not load from the file: %v", s.Name, l, r.CID.Short(), err)
				}
				followed++
			}
		}
	}
	if followed == 0 {
		t.Fatal("no link followed")
	}
}

// TestDagGetPath resolves a path across links from the root, as
// `ipfs dag get <root>/body/in/0/batch/rec/body/in/0/batch/rec/type` does:
// from the end product back through its input batches.
func TestDagGetPath(t *testing.T) {
	file, roots, _ := honestFile(t)
	st, err := storage.OpenReadable(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	lsys := cidlink.DefaultLinkSystem()
	lsys.SetReadStorage(st)
	lsys.TrustedStorage = false // hash every block it loads
	root, err := lsys.Load(linking.LinkContext{Ctx: context.Background()}, cidlink.Link{Cid: roots[0].Cid()}, basicnode.Prototype.Any)
	if err != nil {
		t.Fatal(err)
	}
	prog := traversal.Progress{Cfg: &traversal.Config{LinkSystem: lsys, LinkTargetNodePrototypeChooser: basicnode.Chooser}}
	var kinds []string
	path := ""
	for depth := 0; depth < 10; depth++ {
		n, err := prog.Get(root, datamodel.ParsePath(path+"type"))
		if err != nil {
			t.Fatalf("dag get %s/%stype: %v", roots[0], path, err)
		}
		kind, _ := n.AsString()
		kinds = append(kinds, kind)
		if kind != string(protocol.TypeProcess) {
			break
		}
		path += "body/in/0/batch/rec/"
	}
	if got := fmt.Sprint(kinds); kinds[len(kinds)-1] != string(protocol.TypeOrigin) || len(kinds) < 3 {
		t.Errorf("following the first input from the root gives %s, want processes back to an origin", got)
	}
}
