package storetest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// release01 is a store written by the first release (0.1) of Jejak with that
// release's storage.Open and PutBatch, committed as it was written: the
// honest palm-oil and electronics scenarios, 68 records of format version
// 1.
//
//go:embed store-release-0.1.tar.gz
var release01 []byte

// Release01Records is how many records the first release's store holds.
const Release01Records = 68

// Release01Batch is one chain of the first release's store: the batch a
// buyer would verify (its ID is that of the version 1 record, as the store
// holds it) and the scenario it was built from, whose keys and anchors it
// shares.
type Release01Batch struct {
	Batch    protocol.BatchID
	Scenario *scenario.Scenario
}

// Release01Batches returns the chains of the first release's store.
func Release01Batches() []Release01Batch {
	b := func(s string) protocol.BatchID {
		id, err := protocol.ParseBatchID(s)
		if err != nil {
			panic(err)
		}
		return id
	}
	return []Release01Batch{
		{b("bafyreiamc43vfofp7lxt6fwuhnr6e5z4n7fev2wchwpjtymwm3mi6k76va/0"), scenario.HonestPalm()},
		{b("bafyreietpv2b6atcoqzunjjkd33gjxmqs4gntj3mpmoar7m7fganhw2qv4/0"), scenario.HonestElectronics()},
	}
}

// UnpackRelease01 unpacks the first release's store into a new folder
// under dir and returns that folder, ready for storage.Open.
func UnpackRelease01(t testing.TB, dir string) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(release01))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	out := filepath.Join(dir, "store")
	if err := os.MkdirAll(out, 0o700); err != nil {
		t.Fatal(err)
	}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		w, err := os.OpenFile(filepath.Join(out, filepath.Base(h.Name)), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, tr); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
