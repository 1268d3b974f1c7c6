package scenario_test

import (
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// TestBuild checks every scenario: its records open like records from a
// peer, feeds are in order, builds are reproducible, names are unique.
func TestBuild(t *testing.T) {
	names := map[string]bool{}
	for i, s := range scenario.All() {
		if names[s.Name] || s.Name != scenario.Names()[i] {
			t.Errorf("scenario %d is named %s (listed as %s), or the name is used twice", i, s.Name, scenario.Names()[i])
		}
		names[s.Name] = true
		last := map[protocol.PublicKey]protocol.Signed{}
		forks := 0
		for _, r := range s.Records {
			if _, err := protocol.Open(r.Bytes); err != nil {
				t.Errorf("%s: record %s does not open: %v", s.Name, r.CID, err)
			}
			if prev, ok := last[r.Author]; ok {
				if err := protocol.CheckNext(prev, r.Record); err != nil {
					forks++
					continue
				}
			}
			last[r.Author] = r
		}
		// The fork has a second record at one seq; the missing ancestor
		// leaves a gap in the mill's feed.
		if want := map[bool]int{true: 1, false: 0}[s.Name == "palm-fork" || s.Name == "palm-missing-ancestor"]; forks != want {
			t.Errorf("%s: %d records out of feed order, want %d", s.Name, forks, want)
		}
		if (s.Fails == "") != (s.Verdict == "trusted") || len(s.Anchors) == 0 {
			t.Errorf("%s: expects verdict %q with failing check %q, anchors %d", s.Name, s.Verdict, s.Fails, len(s.Anchors))
		}
	}
}

// TestReproducible checks that two builds give the same records.
func TestReproducible(t *testing.T) {
	a, b := scenario.DoubleClaim(), scenario.ByName("palm-double-claim")
	if a.Batch != b.Batch || len(a.Records) != len(b.Records) || a.Records[len(a.Records)-1].CID != b.Records[len(b.Records)-1].CID {
		t.Error("two builds differ")
	}
}

func TestAncestry(t *testing.T) {
	for _, n := range []int{1, 100, 400} {
		s := scenario.Ancestry(n)
		if len(s.Records) < n || len(s.Records) > n+60 {
			t.Errorf("Ancestry(%d) has %d records", n, len(s.Records))
		}
	}
	f := scenario.Filler("test", 301)
	if len(f) != 301 {
		t.Errorf("Filler gave %d records, want 301", len(f))
	}
	seen := map[protocol.CID]bool{}
	for _, r := range f {
		if seen[r.CID] {
			t.Fatalf("filler record %s twice", r.CID)
		}
		seen[r.CID] = true
	}
}

// TestFillerHasNoForks: filler is honest, however much of it there is:
// no author signs two records at one seq, which would make a store keep
// fork evidence (and take the slow path that costs) for what should be
// plain padding.
func TestFillerHasNoForks(t *testing.T) {
	type pos struct {
		author protocol.PublicKey
		seq    uint64
	}
	seen := map[pos]bool{}
	for _, r := range scenario.Filler("forks", 20_000) {
		p := pos{r.Author, r.Seq}
		if seen[p] {
			t.Fatalf("filler has two records by %s at seq %d", r.Author.Short(), r.Seq)
		}
		seen[p] = true
	}
}
