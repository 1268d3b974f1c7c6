package provenance_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// TestPrejudge: what verification will say of a draft, before it is
// signed, in the person's units: each case a record a user might try to
// sign in the honest palm-oil chain.
func TestPrejudge(t *testing.T) {
	ctx := context.Background()
	s := scenario.HonestPalm()
	m := s.Marks
	bk := provenance.NewBook(ctx, provenance.NewMemSource(s.Records...), provenance.Options{})
	mill := scenario.Key("bukit-lebam-mill").Public()
	refinery := scenario.Key("pasir-gudang").Public()
	plantation := scenario.Key("sungai-lebam").Public()
	cpo := protocol.BatchID{Record: m["mill.process"].CID}
	pk := protocol.BatchID{Record: m["mill.process"].CID, Index: 1}
	ffb := protocol.BatchID{Record: m["plantation.origin"].CID}
	tne := func(t int64) protocol.Quantity { return protocol.Q(t, protocol.TNE) }
	for _, tc := range []struct {
		name  string
		org   protocol.PublicKey
		body  protocol.Body
		check string // "" when backed
		says  []string
	}{
		{"a sale of what is held", mill, &protocol.Transfer{Batch: pk, Qty: tne(5), To: refinery}, "", nil},
		{"a sale of a batch with nothing left", mill, &protocol.Transfer{Batch: cpo, Qty: tne(1), To: refinery}, "double_claim",
			[]string{"has 0 t left here", "21 t made", "sent 21 t (", "cannot send 1 t"}},
		{"more than is left", mill, &protocol.Transfer{Batch: pk, Qty: tne(6), To: refinery}, "double_claim",
			[]string{"has 5 t left here", "cannot send 6 t"}},
		{"a sale of a batch never held", plantation, &protocol.Transfer{Batch: cpo, Qty: tne(1), To: refinery}, "custody",
			[]string{"Ladang Sungai Lebam", "never held batch", "CPO", "made by Kilang Sawit Bukit Lebam"}},
		{"an unknown batch", mill, &protocol.Transfer{Batch: protocol.BatchID{Record: protocol.ComputeCID([]byte("x"))}, Qty: tne(1), To: refinery}, "integrity",
			[]string{"does not hold the record that made batch", "incomplete"}},
		{"a second receipt", refinery, &protocol.Receive{Transfer: m["mill.transfer"].CID, Qty: tne(21)}, "custody",
			[]string{"already received on", m["refinery.receive"].CID.Short()}},
		{"a receipt by a stranger", plantation, &protocol.Receive{Transfer: m["mill.transfer"].CID, Qty: tne(21)}, "custody",
			[]string{"addressed to Pasir Gudang", "not to Ladang Sungai Lebam"}},
		{"processing FFB already processed", mill, &protocol.Process{In: []protocol.Input{{Batch: ffb, Qty: tne(100)}},
			Out: []protocol.Output{{Product: "CPO", Qty: tne(21)}}}, "double_claim", []string{"has 0 t left", "100 t received", "consumed 100 t (", "cannot consume 100 t"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := bk.Prejudge(tc.org, tc.body, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.check == "" {
				if len(fs) != 0 {
					t.Fatalf("findings %+v, want none", fs)
				}
				return
			}
			var found *provenance.Finding
			for i := range fs {
				if fs[i].Check == tc.check {
					found = &fs[i]
				}
			}
			if found == nil {
				t.Fatalf("findings %+v, want one of check %s", fs, tc.check)
			}
			findingsTranslated(t, fs)
			for _, w := range tc.says {
				if !strings.Contains(found.Text, w) {
					t.Errorf("finding %q does not say %q", found.Text, w)
				}
			}
		})
	}
}

// TestPrejudgeYields: a process whose yield is implausible is found before
// it is signed.
func TestPrejudgeYields(t *testing.T) {
	ctx := context.Background()
	s := scenario.HonestPalm()
	// The mill has not yet processed this harvest in a world without its
	// process record.
	var recs []protocol.Signed
	for _, r := range s.Records {
		if r.CID != s.Marks["mill.process"].CID {
			recs = append(recs, r)
		}
	}
	bk := provenance.NewBook(ctx, provenance.NewMemSource(recs...), provenance.Options{})
	mill := scenario.Key("bukit-lebam-mill").Public()
	ffb := protocol.BatchID{Record: s.Marks["plantation.origin"].CID}
	fs, err := bk.Prejudge(mill, &protocol.Process{In: []protocol.Input{{Batch: ffb, Qty: protocol.Q(100, protocol.TNE)}},
		Out: []protocol.Output{{Product: "CPO", Qty: protocol.Q(150, protocol.TNE)}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Check != "mass_balance" || !strings.Contains(fs[0].Text, "150 t of CPO from 100 t of FFB") {
		t.Fatalf("findings %+v, want the implausible yield", fs)
	}
	findingsTranslated(t, fs)
}

// TestPrejudgeOrigins: a new harvest from a plot whose record breaks
// today's geolocation rules (it was signed in format 1), or from a place
// this computer does not hold, is found before it is signed; one from
// good plots is backed.
func TestPrejudgeOrigins(t *testing.T) {
	ctx := context.Background()
	plantation := scenario.Key("sungai-lebam").Public()
	harvest := func(places ...protocol.CID) *protocol.Origin {
		return &protocol.Origin{Places: places, From: scenario.Start.UnixMilli(), Until: scenario.Start.AddDate(0, 0, 1).UnixMilli(),
			Out: []protocol.Output{{Product: scenario.FFB, Qty: protocol.Q(10, protocol.TNE)}}}
	}
	honest := scenario.HonestPalm()
	bk := provenance.NewBook(ctx, provenance.NewMemSource(honest.Records...), provenance.Options{})
	if fs, err := bk.Prejudge(plantation, harvest(honest.Marks["plot.12a"].CID, honest.Marks["plot.12b"].CID), nil); err != nil || len(fs) != 0 {
		t.Errorf("a harvest from good plots: findings %+v, %v; want none", fs, err)
	}
	fs, err := bk.Prejudge(plantation, harvest(protocol.ComputeCID([]byte("no such place"))), nil)
	if err != nil || len(fs) != 1 || fs[0].Check != "integrity" || !strings.Contains(fs[0].Text, "does not hold place record") {
		t.Errorf("a harvest from an unknown place: findings %+v, %v; want the missing place", fs, err)
	}
	findingsTranslated(t, fs)

	old := scenario.OldFormatBowTie()
	bk = provenance.NewBook(ctx, provenance.NewMemSource(old.Records...), provenance.Options{})
	fs, err = bk.Prejudge(plantation, harvest(old.Marks["plot.12a"].CID, old.Marks["plot.12b"].CID), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Check != "eudr" || fs[0].Code != provenance.CodeOutdatedPlace {
		t.Fatalf("a harvest from an old bow-tie plot: findings %+v, want its geolocation", fs)
	}
	findingsTranslated(t, fs)
	for _, w := range []string{`"Blok 12B"`, "format 1", "geo.rings[0]: the ring crosses itself", "recorded again"} {
		if !strings.Contains(fs[0].Text, w) {
			t.Errorf("finding %q does not say %q", fs[0].Text, w)
		}
	}
}
