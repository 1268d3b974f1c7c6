package protocol_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// The fuzz targets of the text people type or scan: batch IDs and the QR
// label payload, CIDs, public keys, quantities, DDS references; and of key
// files. What a parser accepts it must write back in a form it reads
// again as the same value; what it refuses it names.

// FuzzParseBatchID reads a scanned or typed batch ID. An accepted ID
// prints (String) and labels (LabelText, upper case for the QR code's
// alphanumeric mode) to text that reads back as the same ID, and the
// label uses only QR alphanumeric characters.
func FuzzParseBatchID(f *testing.F) {
	for _, v := range mustVectors(f) {
		id := protocol.BatchID{Record: v.signed.CID, Index: 1}
		f.Add(id.String())
		f.Add(protocol.LabelText(id) + "\r\n")
	}
	for _, s := range []string{"", "/", "bafy/0", " BAFY/01", "x/4294967296", "/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := protocol.ParseBatchID(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "protocol: batch ID ") {
				t.Fatalf("error does not say it is about a batch ID: %v", err)
			}
			return
		}
		if id.IsZero() {
			t.Fatal("accepted a batch ID that names nothing")
		}
		for _, text := range []string{id.String(), protocol.LabelText(id)} {
			again, err := protocol.ParseBatchID(text)
			if err != nil || again != id {
				t.Fatalf("%q reads back as %v, %v; want %v", text, again, err, id)
			}
		}
		for _, r := range protocol.LabelText(id) {
			if !strings.ContainsRune("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", r) {
				t.Fatalf("label %q has %q, outside the QR alphanumeric set", protocol.LabelText(id), r)
			}
		}
		var u protocol.BatchID
		if err := u.UnmarshalText([]byte(s)); err != nil || u != id {
			t.Fatalf("UnmarshalText reads %q as %v, %v; ParseBatchID as %v", s, u, err, id)
		}
	})
}

// FuzzParseCID reads a CID as text. An accepted CID has one canonical
// form, which reads back as it, and its binary form reads back too.
func FuzzParseCID(f *testing.F) {
	for _, v := range mustVectors(f) {
		f.Add(v.signed.CID.String())
		f.Add(strings.ToUpper(v.signed.CID.String()))
	}
	f.Add("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG")
	f.Add("zdpuAyvkgEDQm9TenwGkd5eNaosSxjgEYd8QatfPetgB1CdEZ")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := protocol.ParseCID(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "protocol: parse CID") {
				t.Fatalf("error does not say it is about a CID: %v", err)
			}
			return
		}
		again, err := protocol.ParseCID(c.String())
		if err != nil || again != c {
			t.Fatalf("%q reads back as %v, %v", c.String(), again, err)
		}
		bin, err := protocol.CIDFromBytes(c.Bytes())
		if err != nil || bin != c {
			t.Fatalf("the binary form reads back as %v, %v", bin, err)
		}
	})
}

// FuzzCIDFromBytes reads a binary CID, as peers send them in sync and
// fetch frames: an accepted one is exactly its bytes.
func FuzzCIDFromBytes(f *testing.F) {
	for _, v := range mustVectors(f) {
		f.Add(v.signed.CID.Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := protocol.CIDFromBytes(b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "protocol: ") {
				t.Fatalf("error does not start with the package: %v", err)
			}
			return
		}
		if !bytes.Equal(c.Bytes(), b) {
			t.Fatalf("accepted %x as %x", b, c.Bytes())
		}
	})
}

// FuzzParsePublicKey reads a key as people copy it ("ed25519:…"). An
// accepted key prints to text that reads back as it, and the same key
// has one spelling but for case and surrounding space.
func FuzzParsePublicKey(f *testing.F) {
	for _, name := range []string{"mill", "plantation", "refinery"} {
		k := prototest.Key(name).Public()
		f.Add(k.String())
		f.Add(" " + strings.ToUpper(k.String()) + "\n")
	}
	f.Add("ed25519:")
	f.Add("ED25519:aaaa")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := protocol.ParsePublicKey(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "protocol: parse key") {
				t.Fatalf("error does not say it is about a key: %v", err)
			}
			return
		}
		if !strings.EqualFold(strings.TrimSpace(s), k.String()) {
			t.Fatalf("%q reads as %s: a second spelling of one key", s, k)
		}
		again, err := protocol.ParsePublicKey(k.String())
		if err != nil || again != k {
			t.Fatalf("%s reads back as %v, %v", k, again, err)
		}
	})
}

// FuzzParseQuantity reads a quantity as a clerk types it ("12,5 TNE"). An
// accepted quantity has a known unit, and its amount written out
// (FormatMilli) reads back exactly (ParseMilli). A refusal names the
// quantity, and an ambiguous amount says so.
func FuzzParseQuantity(f *testing.F) {
	for _, s := range []string{"12.5 TNE", "12,5 tne", "1.250,5 KGM", "38 291 kg", "1.250 TNE", "-3 H87",
		"0 LTR", "9223372036854775807 GRM", "1e3 KGM", "12.5", " 7\u00a0MTQ "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := protocol.ParseQuantity(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "protocol: quantity ") {
				t.Fatalf("error does not say it is about a quantity: %v", err)
			}
			return
		}
		if !q.Unit.Valid() {
			t.Fatalf("accepted unit %q", q.Unit)
		}
		m, err := protocol.ParseMilli(protocol.FormatMilli(q.Milli))
		if err != nil || m != q.Milli {
			t.Fatalf("%d thousandths write as %q, which reads back as %d, %v", q.Milli, protocol.FormatMilli(q.Milli), m, err)
		}
		if _, err := protocol.ParseQuantity(q.String()); err != nil && !errors.Is(err, protocol.ErrAmbiguousAmount) {
			t.Fatalf("%v writes as %q, which does not read back: %v", q, q.String(), err)
		}
	})
}

// FuzzParseDDS reads a due diligence statement reference as people copy
// it from TRACES; it never fails, and what it reads is stable.
func FuzzParseDDS(f *testing.F) {
	for _, s := range []string{"26FRXVV3VOS991/NDX5K3EW", "26frxvv3vos991 ndx5k3ew", "26-FRX VV3:NDX5", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := protocol.ParseDDS(s)
		if d.Kind != protocol.DocDDS {
			t.Fatalf("kind %q", d.Kind)
		}
		if strings.ContainsAny(d.Ref+d.Verification, " \t-") || strings.ToUpper(d.Ref) != d.Ref {
			t.Fatalf("read as %q / %q: not cleaned", d.Ref, d.Verification)
		}
	})
}

// FuzzDecryptKeys opens key files (the encrypted backup of an install's
// keys). The seeds are real key files at the lowest work factor, so that
// the fuzzer reaches the contents; the work factor a file asks for is
// capped by what age accepts. A refusal is a wrong passphrase or a damaged
// file, never anything else; an accepted file holds keys that match their
// public halves and saves again to a file that opens to the same keys.
func FuzzDecryptKeys(f *testing.F) {
	const pass = "correct horse battery"
	keys := protocol.KeySet{"org": prototest.Key("org"), "device": prototest.Key("device")}
	var good bytes.Buffer
	if err := protocol.EncryptKeys(&good, pass, keys, protocol.MinScryptWorkFactor); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes(), pass)
	f.Add(good.Bytes(), "wrong passphrase")
	f.Add(good.Bytes()[:len(good.Bytes())/2], pass)
	f.Add([]byte("-----BEGIN AGE ENCRYPTED FILE-----\n-----END AGE ENCRYPTED FILE-----\n"), pass)
	f.Add([]byte("age-encryption.org/v1\n-> scrypt c2FsdA 30\nAAAA\n--- AAAA\n"), pass)
	f.Fuzz(func(t *testing.T, data []byte, passphrase string) {
		if prototest.ScryptWorkFactor(data) > protocol.MinScryptWorkFactor+2 {
			return // honest files of high cost are slow to open, not wrong
		}
		got, err := protocol.DecryptKeys(bytes.NewReader(data), passphrase)
		if err != nil {
			if !errors.Is(err, protocol.ErrWrongPassphrase) && !errors.Is(err, protocol.ErrKeyFileDamaged) &&
				!strings.Contains(err.Error(), "passphrase") {
				t.Fatalf("refused with neither wrong passphrase nor damaged: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "protocol: key file: ") {
				t.Fatalf("error does not say it is about a key file: %v", err)
			}
			return
		}
		if len(got) == 0 {
			t.Fatal("opened a key file of no keys")
		}
		var again bytes.Buffer
		if err := protocol.EncryptKeys(&again, pass, got, protocol.MinScryptWorkFactor); err != nil {
			return // a name or key EncryptKeys refuses to write is not this target's business
		}
		back, err := protocol.DecryptKeys(&again, pass)
		if err != nil || len(back) != len(got) {
			t.Fatalf("saved again, the keys do not open: %v", err)
		}
		for name, k := range got {
			if back[name].Public() != k.Public() {
				t.Fatalf("key %q changed when saved again", name)
			}
		}
	})
}
