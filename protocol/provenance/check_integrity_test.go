package provenance_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// swapSource returns other bytes for one CID, like a damaged store.
type swapSource struct {
	*provenance.MemSource
	cid   protocol.CID
	bytes []byte
}

func (s swapSource) Get(ctx context.Context, c protocol.CID) (protocol.Signed, error) {
	got, err := s.MemSource.Get(ctx, c)
	if err == nil && c == s.cid {
		got.Bytes = s.bytes
	}
	return got, err
}

// askedError is a fetch failure that says which peers were asked.
type askedError []string

func (e askedError) Error() string   { return "no peer has it" }
func (e askedError) Asked() []string { return e }

func TestIntegrity(t *testing.T) {
	t.Run("missing ancestor listed", func(t *testing.T) {
		s := scenario.MissingAncestor()
		r := verify(t, s, protocol.BatchID{}, provenance.Options{})
		m := scenario.HonestPalm().Marks
		refinery := scenario.Key("pasir-gudang").Public()
		want := provenance.Missing{Record: m["mill.process"].CID, ReferencedBy: m["refinery.process"].CID, What: "input", WhatKey: "reason.what.input",
			ReferencedByOrg: "Pasir Gudang Edible Oils Sdn Bhd", OrgKey: &refinery, Asked: []string{}}
		if len(r.Missing) != 1 || !reflect.DeepEqual(r.Missing[0], want) || r.Stats.Missing != 1 {
			t.Errorf("missing %+v, want %+v", r.Missing, want)
		}
		// Missing is not guilty: nothing read breaks a rule.
		if r.Verdict != provenance.Incomplete {
			t.Errorf("verdict %s, want incomplete\n%s", r.Verdict, r.Text())
		}
	})
	t.Run("missing ancestor asked of peers", func(t *testing.T) {
		s := scenario.MissingAncestor()
		r := verify(t, s, protocol.BatchID{}, provenance.Options{Fetch: func(context.Context, protocol.CID) ([]byte, error) {
			return nil, askedError{"12D3KooWPeerOneAAAAAA", "12D3KooWPeerTwoBBBBBB"}
		}})
		if len(r.Missing) != 1 || !reflect.DeepEqual(r.Missing[0].Asked, []string{"12D3KooWPeerOneAAAAAA", "12D3KooWPeerTwoBBBBBB"}) {
			t.Fatalf("missing %+v, want the two peers asked", r.Missing)
		}
		x := reason(t, r, "integrity", provenance.CodeMissing)
		for _, want := range []string{"the 2 peers asked", "…AAAAAA", "…BBBBBB", "maker may be offline", "of Pasir Gudang"} {
			if !strings.Contains(x.Text, want) {
				t.Errorf("reason %q does not say %q", x.Text, want)
			}
		}
		if r.Verdict != provenance.Incomplete {
			t.Errorf("verdict %s, want incomplete", r.Verdict)
		}
	})
	t.Run("missing ancestor fetched", func(t *testing.T) {
		s := scenario.MissingAncestor()
		missing := scenario.HonestPalm().Marks["mill.process"]
		var asked []protocol.CID
		r := verify(t, s, protocol.BatchID{}, provenance.Options{Fetch: func(_ context.Context, c protocol.CID) ([]byte, error) {
			asked = append(asked, c)
			if c == missing.CID {
				return missing.Bytes, nil
			}
			return nil, errors.New("no peer has it")
		}})
		if r.Verdict != provenance.Trusted || r.Stats.Fetched != 1 {
			t.Errorf("verdict %s, fetched %d; want trusted, 1\n%s", r.Verdict, r.Stats.Fetched, r.Text())
		}
		if len(asked) != 1 || asked[0] != missing.CID {
			t.Errorf("fetcher asked for %v, want only %s", asked, missing.CID)
		}
	})
	t.Run("fetcher returns the wrong record", func(t *testing.T) {
		s := scenario.MissingAncestor()
		other := s.Records[0]
		r := verify(t, s, protocol.BatchID{}, provenance.Options{Fetch: func(context.Context, protocol.CID) ([]byte, error) {
			return other.Bytes, nil
		}})
		reason(t, r, "integrity", provenance.CodeCIDMismatch)
	})
	t.Run("damaged store", func(t *testing.T) {
		s := scenario.HonestPalm()
		mill := s.Marks["mill.process"]
		src := swapSource{provenance.NewMemSource(s.Records...), mill.CID, s.Marks["refinery.process"].Bytes}
		r, err := provenance.Verify(context.Background(), src, s.Batch, provenance.Options{Anchors: s.Anchors})
		if err != nil {
			t.Fatal(err)
		}
		x := reason(t, r, "integrity", provenance.CodeCIDMismatch)
		mentions(t, x, []string{mill.CID.Short()}, mill.CID)
		if r.Verdict != provenance.Failed {
			t.Errorf("verdict %s, want failed", r.Verdict)
		}
	})
	t.Run("bad signature", func(t *testing.T) {
		s := scenario.HonestPalm()
		forged := *s.Marks["manufacturer.process"].Record
		forged.Sig = append([]byte(nil), forged.Sig...)
		forged.Sig[0] ^= 1
		b, err := forged.Encode()
		if err != nil {
			t.Fatal(err)
		}
		c := protocol.ComputeCID(b)
		s.Records = append(s.Records, protocol.Signed{Record: &forged, CID: c, Bytes: b})
		r := verify(t, s, protocol.BatchID{Record: c}, provenance.Options{})
		mentions(t, reason(t, r, "integrity", provenance.CodeBadSignature), []string{c.Short(), "signature does not verify"}, c)
		// A source trusted to have checked signatures is not second-guessed.
		r = verify(t, s, protocol.BatchID{Record: c}, provenance.Options{SkipSignatures: true})
		status(t, r, "integrity", provenance.Pass)
	})
	t.Run("not a batch", func(t *testing.T) {
		s := scenario.HonestPalm()
		for _, id := range []protocol.BatchID{
			{Record: s.Batch.Record, Index: 5},
			{Record: s.Marks["mill.transfer"].CID},
		} {
			r := verify(t, s, id, provenance.Options{})
			x := reason(t, r, "integrity", provenance.CodeNotABatch)
			mentions(t, x, []string{id.Record.Short()}, id.Record)
		}
	})
	t.Run("limit", func(t *testing.T) {
		r := verify(t, scenario.HonestPalm(), protocol.BatchID{}, provenance.Options{MaxRecords: 5})
		if !r.Stats.Truncated {
			t.Error("not truncated")
		}
		mentions(t, reason(t, r, "integrity", provenance.CodeTruncated), []string{"5 records"})
	})
}

func TestVerifyOperationalErrors(t *testing.T) {
	s := scenario.HonestPalm()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := provenance.Verify(ctx, provenance.NewMemSource(s.Records...), s.Batch, provenance.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v, want context.Canceled", err)
	}
	broken := failingSource{provenance.NewMemSource(s.Records...)}
	if _, err := provenance.Verify(context.Background(), broken, s.Batch, provenance.Options{}); err == nil {
		t.Error("a source that fails gave no error")
	}
	if _, err := provenance.Verify(context.Background(), broken, protocol.BatchID{}, provenance.Options{}); err == nil {
		t.Error("no batch gave no error")
	}
}

// failingSource fails every index lookup, like a closed store.
type failingSource struct{ *provenance.MemSource }

func (failingSource) Uses(context.Context, protocol.BatchID) ([]provenance.Use, error) {
	return nil, fmt.Errorf("store closed")
}
