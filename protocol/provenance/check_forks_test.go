package provenance_test

import (
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// forkAt seals a different record at the first seq of name's feed, dated
// as the first.
func forkAt(t *testing.T, s *scenario.Scenario, name string, body protocol.Body) (first, fork protocol.Signed) {
	t.Helper()
	key := scenario.Key(name)
	for _, x := range s.Records {
		if x.Author == key.Public() && x.Seq == 1 {
			first = x
		}
	}
	fork, err := protocol.Seal(&protocol.Record{Seq: 1, Time: first.Time, Body: body}, key)
	if err != nil {
		t.Fatal(err)
	}
	s.Records = append(s.Records, fork)
	return first, fork
}

func TestForks(t *testing.T) {
	profile := &protocol.Org{Name: "Bukit Lebam Mill", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY"}
	tests := []struct {
		name, key, who string
		body           protocol.Body
	}{
		// Which of the two profiles names the organisation depends on their
		// CIDs (they have one time): either is the truth of one of them.
		{"organisation key", millOrg, "organisation key of ", profile},
		{"certifier key", cbOrg, "organisation key of ", &protocol.Org{Name: "BAS", Roles: []protocol.Role{protocol.RoleCertifier}, Country: "MY"}},
		{"device key", plantDevice, "device key", &protocol.Place{Name: "Blok 9", Kind: protocol.PlaceMill, Country: "MY", Geo: protocol.PointGeometry(protocol.Pos(103.9, 1.8))}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := scenario.HonestPalm()
			first, fork := forkAt(t, s, tc.key, tc.body)
			r := verify(t, s, protocol.BatchID{}, provenance.Options{})
			x := reason(t, r, "forks", provenance.CodeFork)
			mentions(t, x, []string{tc.who, first.CID.Short(), fork.CID.Short(), "seq 1"}, first.CID, fork.CID)
			if r.Verdict != provenance.Failed {
				t.Errorf("verdict %s, want failed", r.Verdict)
			}
		})
	}
	t.Run("unrelated signer", func(t *testing.T) {
		s := scenario.HonestPalm()
		forkAt(t, s, otherOrg, profile)
		status(t, verify(t, s, protocol.BatchID{}, provenance.Options{}), "forks", provenance.Pass)
	})
}
