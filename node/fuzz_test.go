package node

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// The fuzz targets of the files an install reads from its data folder:
// identity.json, the config file and key files. Each is read from a real
// file in a temporary folder, as the node reads it.

// fuzzFile writes data to name in a folder of its own, for one input.
func fuzzFile(t *testing.T, name string, data []byte) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, path
}

// FuzzReadFileConfig reads a config file. A refusal names the file (and,
// for JSON that does not decode, the line and column); an accepted file
// holds only values the node can use, and written back as JSON it reads
// the same.
func FuzzReadFileConfig(f *testing.F) {
	yes := true
	for _, c := range []FileConfig{
		{},
		{Network: "main", Listen: []string{"/ip4/127.0.0.1/tcp/0"}, MDNS: new(bool), DHT: &yes, SyncInterval: "1m", KeyWorkFactor: 18, RecordFormat: protocol.Version},
		{Data: "/var/lib/jejak", Bootstrap: []string{"/dns4/relay.example.org/tcp/4001"}, Metrics: "127.0.0.1:9464"},
	} {
		b, err := json.MarshalIndent(c, "", "  ")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("{\n  \"network\": \"Main\"\n}"))
	f.Add([]byte("{\n  \"sync_interval\": 60\n}"))
	f.Add([]byte("{\n  \"listen\": [\"a\",\n}"))
	f.Add([]byte(`{"mdns": true, "colour": "blue"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, path := fuzzFile(t, ConfigFile, data)
		c, err := ReadFileConfig(path)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "config file "+path) {
				t.Fatalf("error does not name the config file: %v", err)
			}
			return
		}
		if _, err := c.syncInterval(); err != nil {
			t.Fatalf("accepted a sync interval it cannot use: %v", err)
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		_, path2 := fuzzFile(t, ConfigFile, b)
		again, err := ReadFileConfig(path2)
		if err != nil {
			t.Fatalf("an accepted config written back does not read: %v\n%s", err, b)
		}
		if !reflect.DeepEqual(normConfig(c), normConfig(again)) {
			t.Fatalf("config changed when written back:\n%+v\n%+v", c, again)
		}
		var cfg Config
		c.ApplyTo(&cfg)
	})
}

// normConfig treats an empty list as none, as omitempty writes both.
func normConfig(c FileConfig) FileConfig {
	for _, l := range []*[]string{&c.Listen, &c.Bootstrap, &c.Relays} {
		if len(*l) == 0 {
			*l = nil
		}
	}
	return c
}

// FuzzLoadKeyFile opens a key file from disk as restoring a backup does.
// A refusal names the file and is a wrong passphrase or a damaged file.
func FuzzLoadKeyFile(f *testing.F) {
	const pass = "correct horse battery"
	var good bytes.Buffer
	keys := protocol.KeySet{"org": prototest.Key("org"), "device": prototest.Key("device")}
	if err := protocol.EncryptKeys(&good, pass, keys, protocol.MinScryptWorkFactor); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add(good.Bytes()[:100])
	f.Add(bytes.Replace(good.Bytes(), []byte("\n"), []byte("\r\n"), -1))
	f.Fuzz(func(t *testing.T, data []byte) {
		if prototest.ScryptWorkFactor(data) > protocol.MinScryptWorkFactor+2 {
			return // honest files of high cost are slow to open, not wrong
		}
		_, path := fuzzFile(t, "keys.age", data)
		got, err := loadKeyFile(path, pass)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for name, k := range got {
			if k.IsZero() || name == "" {
				t.Fatalf("loaded an empty key %q", name)
			}
		}
	})
}

// sameKey reports whether a and b are the same private key, or both none.
func sameKey(a, b protocol.PrivateKey) bool {
	if a.IsZero() || b.IsZero() {
		return a.IsZero() == b.IsZero()
	}
	return bytes.Equal(a.Seed(), b.Seed())
}
