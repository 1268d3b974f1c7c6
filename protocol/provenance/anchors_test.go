package provenance_test

import (
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

func TestAnchors(t *testing.T) {
	a, err := provenance.ParseAnchors(nil)
	if err != nil || len(a.List()) != 0 {
		t.Fatalf("first run: %v, %v", a.List(), err)
	}
	rspo, rmi := scenario.Key("rspo").Public(), scenario.Key("rmi").Public()
	now := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	if added, err := a.Add(rspo, "RSPO", now); !added || err != nil {
		t.Fatalf("add: %v, %v", added, err)
	}
	if added, _ := a.Add(rspo, "RSPO Secretariat", now); added {
		t.Error("adding a key twice added it")
	}
	if _, err := a.Add(protocol.PublicKey{}, "nobody", now); err == nil {
		t.Error("added the zero key")
	}
	a.Add(rmi, "RMI", now.Add(time.Hour))
	data, err := a.Encode()
	if err != nil {
		t.Fatal(err)
	}
	b, err := provenance.ParseAnchors(data)
	if err != nil {
		t.Fatal(err)
	}
	list := b.List()
	if len(list) != 2 || list[0].Key != rspo || list[0].Name != "RSPO Secretariat" || list[1].Key != rmi || !list[0].Added.Equal(now) {
		t.Errorf("loaded %+v", list)
	}
	if !b.Has(rmi) || !b.Remove(rmi) || b.Remove(rmi) || b.Has(rmi) {
		t.Error("remove")
	}
	if keys := b.Keys(); len(keys) != 1 || keys[0] != rspo {
		t.Errorf("keys %v", keys)
	}
	if _, err := provenance.ParseAnchors([]byte(`{"version":2,"anchors":[]}`)); err == nil {
		t.Error("read an unknown version")
	}
	if _, err := provenance.ParseAnchors([]byte(`not json`)); err == nil {
		t.Error("read a damaged list")
	}
}
