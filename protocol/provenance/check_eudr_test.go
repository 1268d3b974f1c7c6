package provenance_test

import (
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

func TestEUDR(t *testing.T) {
	t.Run("origins and geometry", func(t *testing.T) {
		s := scenario.HonestPalm()
		r := verify(t, s, protocol.BatchID{}, provenance.Options{})
		status(t, r, "eudr", provenance.Pass)
		if len(r.Origins) != 3 {
			t.Fatalf("%d origins, want 3", len(r.Origins))
		}
		o := r.Origins[0]
		if o.Name != "Blok 12A" || !o.Polygon || o.AreaHa < 40 || o.AreaHa > 50 || o.Lat < 1.8 || o.Lat > 1.81 || o.Lon < 103.95 || o.Lon > 103.96 {
			t.Errorf("origin %+v", o)
		}
		if o.Geometry["type"] != "Polygon" || o.Country != "MY" || len(o.Products) != 1 || o.Products[0] != "FFB" {
			t.Errorf("origin geometry %v, country %s, products %v", o.Geometry["type"], o.Country, o.Products)
		}
		if small := r.Origins[2]; small.Polygon || small.AreaHa != 2.5 {
			t.Errorf("smallholder plot %+v", small)
		}
	})
	t.Run("not an EUDR commodity", func(t *testing.T) {
		r := verify(t, scenario.HonestElectronics(), protocol.BatchID{}, provenance.Options{})
		status(t, r, "eudr", provenance.Skip)
		if len(r.Origins) != 3 {
			t.Errorf("%d origins, want the two smelters and the board maker's factory", len(r.Origins))
		}
	})
	t.Run("place that is not a place", func(t *testing.T) {
		s := scenario.HonestPalm()
		notPlace := s.Marks["mill.transfer"].CID
		o := appendTo(t, s, plantDevice, &protocol.Origin{Places: []protocol.CID{notPlace}, From: scenario.Start.UnixMilli(), Until: scenario.Start.UnixMilli(),
			Out: []protocol.Output{{Product: "FFB", Qty: tne(1_000)}}})
		r := verify(t, s, bid(o, 0), provenance.Options{})
		mentions(t, reason(t, r, "eudr", provenance.CodeNotAPlace), []string{notPlace.Short(), "transfer record"}, o.CID, notPlace)
	})
	t.Run("incomplete trace", func(t *testing.T) {
		r := verify(t, scenario.MissingAncestor(), protocol.BatchID{}, provenance.Options{})
		status(t, r, "eudr", provenance.Skip)
		if len(r.Origins) != 0 {
			t.Errorf("origins %v", r.Origins)
		}
	})
}
