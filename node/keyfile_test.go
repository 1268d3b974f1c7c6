package node

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

const passphrase = "kelapa sawit 2024"

func testKeySet() protocol.KeySet {
	return protocol.KeySet{"org": prototest.Key("mill-org"), "device": prototest.Key("mill-device")}
}

// saveTestKeyFile writes the test key set to a new key file and returns its
// path and contents.
func saveTestKeyFile(t *testing.T) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys.age")
	if err := saveKeyFile(path, passphrase, testKeySet(), cheapScrypt); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, b
}

func TestKeyFileRoundTrip(t *testing.T) {
	path, contents := saveTestKeyFile(t)
	if !bytes.HasPrefix(contents, []byte("-----BEGIN AGE ENCRYPTED FILE-----\n")) {
		t.Fatalf("key file is not an armoured age file:\n%s", contents)
	}
	for _, k := range testKeySet() {
		if bytes.Contains(contents, []byte(k.Public().String())) {
			t.Fatal("key file shows a public key in clear")
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil || len(entries) != 1 {
		t.Fatalf("folder holds %v (%v), want only the key file", entries, err)
	}

	keys, err := loadKeyFile(path, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	want := testKeySet()
	if len(keys) != len(want) {
		t.Fatalf("loaded %d keys, want %d", len(keys), len(want))
	}
	for name, k := range want {
		if got, ok := keys[name]; !ok || !bytes.Equal(got.Seed(), k.Seed()) || got.Public() != k.Public() {
			t.Fatalf("key %q did not come back", name)
		}
	}

	// Saving again replaces the file whole, still owner-only.
	if err := saveKeyFile(path, passphrase+"!", protocol.KeySet{"device": prototest.Key("mill-device-new")}, cheapScrypt); err != nil {
		t.Fatal(err)
	}
	keys, err = loadKeyFile(path, passphrase+"!")
	if err != nil || len(keys) != 1 || keys["device"].Public() != prototest.Key("mill-device-new").Public() {
		t.Fatalf("after saving again: %v, %v", keys, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("after saving again: mode %v, %v", fi.Mode().Perm(), err)
	}
}

func TestKeyFileWrongPassphrase(t *testing.T) {
	path, _ := saveTestKeyFile(t)
	for _, p := range []string{"kelapa sawit 2025", "Kelapa sawit 2024", passphrase + " ", "x"} {
		_, err := loadKeyFile(path, p)
		if !errors.Is(err, protocol.ErrWrongPassphrase) {
			t.Fatalf("passphrase %q: %v, want ErrWrongPassphrase", p, err)
		}
		if errors.Is(err, protocol.ErrKeyFileDamaged) || !strings.Contains(err.Error(), path) {
			t.Fatalf("passphrase %q: %v, want only ErrWrongPassphrase and the file's path", p, err)
		}
	}
}

// reArmor decodes an armoured age file, lets change alter the binary, and
// armours it again, so a change lands exactly where the test means it to.
func reArmor(t *testing.T, contents []byte, change func(b []byte) []byte) []byte {
	t.Helper()
	bin, err := io.ReadAll(armor.NewReader(bytes.NewReader(contents)))
	if err != nil {
		t.Fatal(err)
	}
	bin = change(bin)
	var out bytes.Buffer
	w := armor.NewWriter(&out)
	if _, err := w.Write(bin); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestKeyFileDamaged(t *testing.T) {
	_, good := saveTestKeyFile(t)
	garbage := make([]byte, 0, 600)
	for h := sha256.Sum256([]byte("garbage")); len(garbage) < 600; h = sha256.Sum256(h[:]) {
		garbage = append(garbage, h[:]...)
	}
	// An age file with the right passphrase that does not hold keys.
	var notKeys bytes.Buffer
	{
		r, err := age.NewScryptRecipient(passphrase)
		if err != nil {
			t.Fatal(err)
		}
		r.SetWorkFactor(10)
		aw := armor.NewWriter(&notKeys)
		w, err := age.Encrypt(aw, r)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, `{"format":"something-else","keys":[]}`)
		w.Close()
		aw.Close()
	}
	for _, tc := range []struct {
		name     string
		contents []byte
	}{
		{"empty file", nil},
		{"cut in half", good[:len(good)/2]},
		{"last line missing", good[:bytes.LastIndex(good[:len(good)-1], []byte("\n"))+1]},
		{"payload cut short", reArmor(t, good, func(b []byte) []byte { return b[:len(b)-8] })},
		{"byte flipped in the payload", reArmor(t, good, func(b []byte) []byte { b[len(b)-20] ^= 0x04; return b })},
		{"byte flipped in the header MAC", reArmor(t, good, func(b []byte) []byte {
			i := bytes.Index(b, []byte("\n--- ")) + len("\n--- ") + 3
			if b[i] == 'A' { // another base64 character, so the header still parses
				b[i] = 'B'
			} else {
				b[i] = 'A'
			}
			return b
		})},
		{"armour character changed", func() []byte { b := bytes.Clone(good); b[40] = '!'; return b }()},
		{"random garbage", garbage},
		{"plain text", []byte("my keys are in the drawer\n")},
		{"an age file of something else", notKeys.Bytes()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "keys.age")
			if err := os.WriteFile(path, tc.contents, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := loadKeyFile(path, passphrase)
			if !errors.Is(err, protocol.ErrKeyFileDamaged) {
				t.Fatalf("loadKeyFile: %v, want ErrKeyFileDamaged", err)
			}
			if errors.Is(err, protocol.ErrWrongPassphrase) || !strings.Contains(err.Error(), path) {
				t.Fatalf("loadKeyFile: %v, want only ErrKeyFileDamaged and the file's path", err)
			}
		})
	}
}

func TestKeyFileRefusals(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.age")
	for _, tc := range []struct {
		name       string
		passphrase string
		keys       protocol.KeySet
		err        string
	}{
		{"short passphrase", "sawit12", testKeySet(), "passphrase must be at least 8 characters"},
		{"passphrase counted in characters, not bytes", "sawitüü", testKeySet(), "passphrase must be at least 8 characters"},
		{"no keys", passphrase, protocol.KeySet{}, "no keys to save"},
		{"key without a name", passphrase, protocol.KeySet{"": prototest.Key("x")}, `key "" is empty`},
		{"empty key", passphrase, protocol.KeySet{"org": {}}, `key "org" is empty`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := saveKeyFile(path, tc.passphrase, tc.keys, cheapScrypt)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("saveKeyFile: %v, want an error saying %q", err, tc.err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("a refused save left %v behind", entries)
			}
		})
	}
	// Eight characters are enough, however many bytes they take.
	if err := saveKeyFile(path, "kötü söz", testKeySet(), cheapScrypt); err != nil {
		t.Fatalf("an 8-character passphrase: %v", err)
	}
	if _, err := loadKeyFile(path, "kötü söz"); err != nil {
		t.Fatal(err)
	}
}

func TestKeyFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nowhere", "keys.age")
	_, err := loadKeyFile(path, passphrase)
	if err == nil || !strings.Contains(err.Error(), path) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("loadKeyFile of a missing file: %v, want fs.ErrNotExist naming %s", err, path)
	}
	if errors.Is(err, protocol.ErrKeyFileDamaged) || errors.Is(err, protocol.ErrWrongPassphrase) {
		t.Fatalf("a missing file is reported as %v", err)
	}
	if err := saveKeyFile(path, passphrase, testKeySet(), cheapScrypt); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("saveKeyFile into a missing folder: %v, want an error naming %s", err, path)
	}
}
