package provenance_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

func TestAnchors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "anchors.json")
	a, err := provenance.LoadAnchors(path)
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
	if err := a.Save(path); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, %v", fi.Mode(), err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".anchors.json.tmp-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	b, err := provenance.LoadAnchors(path)
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
	if err := os.WriteFile(path, []byte(`{"version":2,"anchors":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := provenance.LoadAnchors(path); err == nil {
		t.Error("loaded an unknown version")
	}
	if err := os.WriteFile(path, []byte(`not json`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := provenance.LoadAnchors(path); err == nil {
		t.Error("loaded a damaged file")
	}
}
