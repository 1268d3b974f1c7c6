package node

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// TestRecordFormatForOlderPeers: an install told to sign format 1 (while
// its network still has first-release nodes) signs records whose v is 1,
// but still refuses what today's rules refuse.
func TestRecordFormatForOlderPeers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	if err := os.WriteFile(path, []byte(`{"record_format": 1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFileConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, "format-1")
	f.ApplyTo(&cfg)
	n := startNode(t, cfg)

	square := protocol.PolygonGeometry([]protocol.Position{protocol.Pos(103.90, 1.70), protocol.Pos(103.901, 1.70),
		protocol.Pos(103.901, 1.701), protocol.Pos(103.90, 1.701), protocol.Pos(103.90, 1.70)})
	rec, err := n.Publish(ctx, api.Draft{Body: &protocol.Place{Name: "Blok A", Kind: protocol.PlacePlot, Country: "MY", Geo: square, Area: int64(square.Area())}})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := protocol.Open(rec.Bytes); err != nil || s.V != protocol.Version1 {
		t.Fatalf("the record opens as format %d (%v), want 1", s.V, err)
	}

	tie := protocol.PolygonGeometry([]protocol.Position{protocol.Pos(103.90, 1.70), protocol.Pos(103.904, 1.702),
		protocol.Pos(103.904, 1.70), protocol.Pos(103.90, 1.701), protocol.Pos(103.90, 1.70)})
	_, err = n.Publish(ctx, api.Draft{Body: &protocol.Place{Name: "Blok Silang", Kind: protocol.PlacePlot, Country: "MY", Geo: tie, Area: int64(tie.Area())}})
	if !errors.Is(err, api.ErrInvalid) || !strings.Contains(err.Error(), "crosses itself") {
		t.Fatalf("a bow-tie plot in format 1: %v, want it refused by today's rule", err)
	}
	_, err = n.Publish(ctx, api.Draft{Body: &protocol.Place{Name: "Gudang", Kind: protocol.PlaceWarehouse, Country: "XX", Geo: protocol.PointGeometry(protocol.Pos(103.9, 1.7))}})
	if !errors.Is(err, api.ErrInvalid) || !strings.Contains(err.Error(), "not a country") {
		t.Fatalf("country XX in format 1: %v, want it refused by today's rule", err)
	}
	if last, err := n.lastOfFeed(ctx, rec.Author); err != nil || last.CID != rec.CID {
		t.Fatalf("after the refusals the feed ends at %v (%v), want %s", last.CID, err, rec.CID)
	}
}

func TestRecordFormatOutOfRange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(path, []byte(`{"record_format": 4}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFileConfig(path); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "record_format 4") {
		t.Fatalf("record_format 4: %v, want an error naming the file and the value", err)
	}
	cfg := testConfig(t, "format-9")
	cfg.RecordFormat = 9
	if _, err := New(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "record format 9") {
		t.Fatalf("Config.RecordFormat 9: %v, want refused", err)
	}
}
