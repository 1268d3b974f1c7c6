package protocol_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	gocid "github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"

	"github.com/jejak/jejak/protocol"
)

// The seed corpus of the fuzz targets lives in testdata/fuzz/<FuzzName>/ and
// is generated from the vectors and the bad-input table:
//
//	go test ./protocol -run FuzzCorpus -update
//
// To fuzz, one target at a time:
//
//	go test ./protocol -run XXX -fuzz FuzzOpen -fuzztime 60s

// checkRejection fails t unless err matches exactly one of kinds and none
// of the other error kinds.
func checkRejection(t *testing.T, err error, kinds ...error) {
	t.Helper()
	n := 0
	for _, k := range errKinds {
		if errors.Is(err, k) {
			n++
			if !slicesContains(kinds, k) {
				t.Fatalf("rejected as %v, which this path never returns: %v", k, err)
			}
		}
	}
	if n != 1 {
		t.Fatalf("error matches %d error kinds, want exactly one: %v", n, err)
	}
	if !strings.HasPrefix(err.Error(), "protocol: ") {
		t.Fatalf("error does not start with the package name: %v", err)
	}
}

func slicesContains(s []error, e error) bool {
	for _, x := range s {
		if x == e {
			return true
		}
	}
	return false
}

// checkAccepted fails t unless r, decoded from data, is canonical: it
// encodes to data again, passes Validate, decodes to an equal record, and
// its CID (computed here with go-cid alone) is cid.
func checkAccepted(t *testing.T, data []byte, r *protocol.Record, cid protocol.CID) {
	t.Helper()
	again, err := r.Encode()
	if err != nil {
		t.Fatalf("accepted record does not encode: %v", err)
	}
	if !bytes.Equal(again, data) {
		t.Fatalf("accepted record encodes differently:\n  in %x\n out %x", data, again)
	}
	if err := r.Validate(); err != nil {
		t.Fatalf("accepted record fails Validate: %v", err)
	}
	want, err := gocid.Prefix{Version: 1, Codec: gocid.DagCBOR, MhType: mh.SHA2_256, MhLength: -1}.Sum(data)
	if err != nil {
		t.Fatal(err)
	}
	if !cid.Cid().Equals(want) || protocol.ComputeCID(again) != cid {
		t.Fatalf("CID %s, want %s", cid, want)
	}
	r2, err := protocol.Decode(again)
	if err != nil {
		t.Fatalf("re-encoding does not decode: %v", err)
	}
	if !reflect.DeepEqual(r, r2) {
		t.Fatalf("decoding the re-encoding gives another record:\n%+v\n%+v", r, r2)
	}
}

func FuzzOpen(f *testing.F) {
	for _, v := range mustVectors(f) {
		f.Add(v.signed.Bytes)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := protocol.Open(data)
		if err != nil {
			checkRejection(t, err, errKinds...)
			return
		}
		if !bytes.Equal(s.Bytes, data) {
			t.Fatal("Signed.Bytes are not the bytes opened")
		}
		checkAccepted(t, data, s.Record, s.CID)
		msg, err := s.SigningBytes()
		if err != nil || !edVerify(s.Author, msg, s.Sig) {
			t.Fatalf("Open accepted a signature crypto/ed25519 rejects (%v)", err)
		}
	})
}

func FuzzDecode(f *testing.F) {
	for _, v := range mustVectors(f) {
		f.Add(v.signed.Bytes)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := protocol.Decode(data)
		if err != nil {
			checkRejection(t, err, protocol.ErrMalformed, protocol.ErrInvalid, protocol.ErrTooLarge)
			return
		}
		checkAccepted(t, data, r, protocol.ComputeCID(data))
		// Open verifies the signature over bytes cut out of data; they
		// must be exactly what the author signs.
		want, err := r.SigningBytes()
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := protocol.SigningBytesOf(data); !ok || !bytes.Equal(got, want) {
			t.Fatalf("signed bytes cut from the record (ok %v) differ from SigningBytes:\n%x\n%x", ok, got, want)
		}
	})
}

// Mutations FuzzVerify applies at a position.
const (
	opSet = iota
	opInsert
	opDelete
	opXor
	numOps
)

// mutate returns a copy of b changed at pos by op with val.
func mutate(b []byte, pos int, val byte, op int) []byte {
	pos %= len(b)
	switch op % numOps {
	case opInsert:
		return bytes.Join([][]byte{b[:pos], {val}, b[pos:]}, nil)
	case opDelete:
		return bytes.Join([][]byte{b[:pos], b[pos+1:]}, nil)
	case opXor:
		c := bytes.Clone(b)
		c[pos] ^= val
		return c
	}
	c := bytes.Clone(b)
	c[pos] = val
	return c
}

// FuzzVerify changes one byte of a vector (chosen by which) and checks that
// Open rejects the result, or, if it is accepted, that it is the honest
// record itself: no change to signed bytes gets past the signature.
func FuzzVerify(f *testing.F) {
	vs := mustVectors(f)
	f.Add(uint8(7), uint16(20), byte(0x01), uint8(opXor))
	f.Fuzz(func(t *testing.T, which uint8, pos uint16, val byte, op uint8) {
		v := vs[int(which)%len(vs)]
		honest := v.signed
		b := mutate(honest.Bytes, int(pos), val, int(op))
		s, err := protocol.Open(b)
		if err != nil {
			checkRejection(t, err, errKinds...)
			return
		}
		if !bytes.Equal(b, honest.Bytes) {
			t.Fatalf("Open accepted %s changed at byte %d (op %d, 0x%02x):\n%x", v.name, int(pos)%len(honest.Bytes), op%numOps, val, b)
		}
		if s.CID != honest.CID || !reflect.DeepEqual(s.Record, honest.Record) {
			t.Fatalf("Open of the unchanged %s gives another record", v.name)
		}
	})
}

// corpusFile writes values in Go's fuzz corpus file format.
func corpusFile(vals ...any) []byte {
	var b bytes.Buffer
	b.WriteString("go test fuzz v1\n")
	for _, v := range vals {
		switch v := v.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case byte:
			fmt.Fprintf(&b, "byte(%q)\n", v)
		case uint16:
			fmt.Fprintf(&b, "uint16(%d)\n", v)
		default:
			panic(fmt.Sprintf("corpusFile: %T", v))
		}
	}
	return b.Bytes()
}

// corpusName makes a file name of a case name.
func corpusName(prefix, name string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '_':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// maxCorpusInput leaves large inputs (the oversized record) out of the
// corpus: they slow fuzzing and teach it nothing the size check does not.
const maxCorpusInput = 8 << 10

// seedCorpus returns the seed corpus: file path under testdata/fuzz → contents.
func seedCorpus(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	add := func(target, name string, vals ...any) {
		path := filepath.Join("testdata", "fuzz", target, name)
		if _, dup := files[path]; dup {
			t.Fatalf("two seeds named %s", path)
		}
		files[path] = corpusFile(vals...)
	}
	vs := mustVectors(t)
	for _, v := range vs {
		add("FuzzOpen", corpusName("vector-", v.name), v.signed.Bytes)
		add("FuzzDecode", corpusName("vector-", v.name), v.signed.Bytes)
	}
	malformed := 0
	for _, c := range badCases(t) {
		if len(c.data) > maxCorpusInput {
			continue
		}
		add("FuzzOpen", corpusName("bad-", c.name), c.data)
		// Decode shares the decoder with Open; a third of the malformed
		// cases are enough to start it off.
		if c.kind == protocol.ErrMalformed {
			if malformed%3 == 0 {
				add("FuzzDecode", corpusName("bad-", c.name), c.data)
			}
			malformed++
		}
	}
	// One mutation per vector, cycling through the kinds of mutation and
	// the parts of the record (signature, body, envelope).
	for i, v := range vs {
		b := v.signed.Bytes
		positions := []int{
			bytes.Index(b, []byte("sig")) + 10,    // inside the signature
			bytes.Index(b, []byte("body")) + 12,   // inside the body
			bytes.Index(b, []byte("author")) + 6,  // the author's head
			bytes.Index(b, []byte("time")) + 5,    // inside the time
			len(b) - 1,                            // the last byte
			bytes.Index(b, []byte("seq")) + 3,     // the seq
			bytes.Index(b, []byte("type")) + 5,    // the type's text
			bytes.Index(b, []byte("body")) + 4,    // the body's map head
			0,                                     // the envelope's map head
			bytes.Index(b, []byte("v")) + 1,       // the version
			bytes.Index(b, []byte("author")) + 20, // inside the author
		}
		pos := positions[i%len(positions)]
		add("FuzzVerify", corpusName("vector-", v.name), byte(i), uint16(pos), byte(0x01<<(i%8)), byte(i%numOps))
	}
	return files
}

// TestFuzzCorpus checks that the committed seed corpus holds every seed the
// code makes (with -update, it writes them), and that it stays small.
func TestFuzzCorpus(t *testing.T) {
	files := seedCorpus(t)
	// The generated seeds are those of the targets seedCorpus makes; the
	// other targets' corpora (and inputs the fuzzer found and kept) are
	// left alone.
	dirs := map[string]bool{}
	for path := range files {
		dirs[filepath.Dir(path)] = true
	}
	if *update {
		for dir := range dirs {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		}
		for path, b := range files {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("wrote %d seed files", len(files))
	}
	for path, want := range files {
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is missing or out of date (run: go test ./protocol -run FuzzCorpus -update)", path)
		}
	}
	n := 0
	for dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n >= 200 {
		t.Errorf("the seed corpus has %d files; keep it under 200", n)
	}
}
