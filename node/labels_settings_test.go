package node

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jejak/jejak/node/api"
)

// TestSetLabelSettingsKeepsTheConfigFile sets the label settings of a node
// whose config file holds other keys, one this release does not even
// know: they stay, the node's identity shows the new settings at once and
// again after the node is opened anew from the file.
func TestSetLabelSettingsKeepsTheConfigFile(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t, "labels")
	path := filepath.Join(cfg.DataDir, ConfigFile)
	before := `{"network": "test", "mdns": false, "sync_interval": "1m", "future_key": {"a": [1, 2]}}`
	if err := os.WriteFile(path, []byte(before), 0o640); err != nil {
		t.Fatal(err)
	}
	n, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	id, err := n.SetLabelSettings(ctx, api.LabelSettings{Resolver: " verify.example.org ",
		GTINs: map[string]string{"CPO": "9506000134352", "PK": ""}})
	if err != nil {
		t.Fatalf("SetLabelSettings: %v", err)
	}
	if id.LabelResolver != "verify.example.org" || len(id.GTINs) != 1 || id.GTINs["CPO"] != "09506000134352" {
		t.Fatalf("identity after set: resolver %q, GTINs %v", id.LabelResolver, id.GTINs)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("config file after set: %v\n%s", err, data)
	}
	if doc["network"] != "test" || doc["mdns"] != false || doc["sync_interval"] != "1m" || doc["future_key"] == nil ||
		doc["label_resolver"] != "verify.example.org" {
		t.Fatalf("config file after set lost or changed a key:\n%s", data)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("config file mode after set: %v, %v; want 0640", fi.Mode(), err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}

	// The file, without the key this release does not know, opens a node
	// with the same settings.
	delete(doc, "future_key")
	data, _ = json.Marshal(doc)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFileConfig(path)
	if err != nil {
		t.Fatalf("ReadFileConfig after set: %v", err)
	}
	again := testConfig(t, "labels")
	again.DataDir = cfg.DataDir
	f.ApplyTo(&again)
	m := startNode(t, again)
	id, err = m.Identity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if id.LabelResolver != "verify.example.org" || id.GTINs["CPO"] != "09506000134352" {
		t.Fatalf("identity after reopening: resolver %q, GTINs %v", id.LabelResolver, id.GTINs)
	}
}

// TestSetLabelSettingsRefusesBadInput gives a bad GTIN and a bad resolver:
// each is ErrInvalid naming its field, and neither the file nor the
// running node changes.
func TestSetLabelSettingsRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	n := startNode(t, testConfig(t, "labels-bad"))
	if _, err := n.SetLabelSettings(ctx, api.LabelSettings{Resolver: "good.example.org",
		GTINs: map[string]string{"CPO": "9506000134352"}}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(n.cfg.DataDir, ConfigFile)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s     api.LabelSettings
		field string
	}{
		{api.LabelSettings{Resolver: "other.example.org", GTINs: map[string]string{"CPO": "9506000134353"}}, "gtins: CPO"},
		{api.LabelSettings{Resolver: "other.example.org", GTINs: map[string]string{"PK": "12ab"}}, "gtins: PK"},
		{api.LabelSettings{Resolver: "https://other.example.org"}, "label_resolver"},
	} {
		_, err := n.SetLabelSettings(ctx, c.s)
		var e *api.Error
		if !errors.As(err, &e) || !errors.Is(err, api.ErrInvalid) || !strings.Contains(err.Error(), c.field) {
			t.Errorf("SetLabelSettings(%+v): %v; want an *api.Error, ErrInvalid, naming %q", c.s, err, c.field)
		}
	}
	after, err := os.ReadFile(path)
	if err != nil || string(after) != string(before) {
		t.Errorf("config file changed by bad input: %v\n%s\nwas\n%s", err, after, before)
	}
	id, err := n.Identity(ctx)
	if err != nil || id.LabelResolver != "good.example.org" || id.GTINs["CPO"] != "09506000134352" || len(id.GTINs) != 1 {
		t.Errorf("identity after bad input: %+v, %v", id, err)
	}
}
