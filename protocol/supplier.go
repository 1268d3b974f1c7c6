package protocol

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"
)

// CommitmentSize is the size of a supplier field's commitment: a SHA-256
// digest.
const CommitmentSize = sha256.Size

// SaltSize is the size of the random salt NewSupplier makes for each field;
// a disclosure's salt must be at least MinSaltSize bytes and at most
// MaxSaltSize.
const (
	SaltSize    = 32
	MinSaltSize = 16
	MaxSaltSize = 64
)

// CommitmentDomain starts every supplier commitment's preimage, so that a
// commitment can never be confused with any other hash.
const CommitmentDomain = "jejak-supplier-v1\x00"

// The fields of a supplier that are committed to.
const (
	FieldName = "name"
	FieldID   = "id"
)

// CommitSupplier returns the commitment to one field of a supplier:
//
//	SHA-256(CommitmentDomain || field || 0x00 || len(salt) as one byte || salt || value)
//
// with field "name" or "id" and value the field's UTF-8 text as
// NormalizeSupplierText leaves it. The salt is secret: without it, a
// commitment to a short ID could be found by trying every ID.
func CommitSupplier(field string, salt []byte, value string) []byte {
	h := sha256.New()
	h.Write([]byte(CommitmentDomain))
	h.Write([]byte(field))
	h.Write([]byte{0, byte(len(salt))})
	h.Write(salt)
	h.Write([]byte(value))
	return h.Sum(nil)
}

// NormalizeSupplierText trims a supplier's name or ID and folds runs of
// spaces into one, so that "Siti  Aminah " commits as "Siti Aminah".
func NormalizeSupplierText(s string) string { return strings.Join(strings.Fields(s), " ") }

// Disclosure opens the commitments of an origin's supplier: the clear name
// and ID and the salts they were committed with. It is kept by the mill
// that recorded the origin, never gossiped, and handed only to those who
// need it (the EUDR export, the capsule for the importer).
type Disclosure struct {
	Record   CID    `cbor:"record" json:"record"` // the origin record
	Name     string `cbor:"name" json:"name"`
	NameSalt []byte `cbor:"name_salt" json:"name_salt"`
	ID       string `cbor:"id" json:"id"`
	IDSalt   []byte `cbor:"id_salt" json:"id_salt"`
}

// ErrDisclosure means a disclosure does not open its record's commitments.
var ErrDisclosure = errors.New("the disclosure does not match the record's commitments")

// Opens says whether d opens s: nil when the name and the ID, with their
// salts, give s's commitments; an error wrapping ErrDisclosure naming the
// field that does not.
func (d Disclosure) Opens(s *Supplier) error {
	if s == nil {
		return fmt.Errorf("record %s has no supplier: %w", d.Record.Short(), ErrDisclosure)
	}
	for _, f := range []struct {
		field, value string
		salt, commit []byte
	}{{FieldName, d.Name, d.NameSalt, s.Name}, {FieldID, d.ID, d.IDSalt, s.ID}} {
		if len(f.salt) < MinSaltSize || len(f.salt) > MaxSaltSize {
			return fmt.Errorf("record %s: the %s's salt is %d bytes, want %d to %d: %w", d.Record.Short(), f.field, len(f.salt), MinSaltSize, MaxSaltSize, ErrDisclosure)
		}
		if !bytes.Equal(CommitSupplier(f.field, f.salt, f.value), f.commit) {
			return fmt.Errorf("record %s: the disclosed %s is not the one committed to: %w", d.Record.Short(), f.field, ErrDisclosure)
		}
	}
	return nil
}

// SupplierDraft is a supplier as a person enters it: the clear fields.
type SupplierDraft struct {
	Kind   string `json:"kind"`   // SupplierSmallholder or SupplierDealer
	Scheme string `json:"scheme"` // one of SupplierSchemes
	Name   string `json:"name"`
	ID     string `json:"id"`
}

// Check checks the draft's fields, as a form does while they are typed: a
// *FieldError naming the first wrong one ("supplier.name"), or nil.
func (d SupplierDraft) Check() error {
	s := Supplier{Kind: d.Kind, Scheme: d.Scheme, Name: make([]byte, CommitmentSize), ID: make([]byte, CommitmentSize)}
	if err := s.validate("supplier"); err != nil {
		return err
	}
	if err := text("supplier.name", NormalizeSupplierText(d.Name), true); err != nil {
		return err
	}
	return text("supplier.id", NormalizeSupplierText(d.ID), true)
}

// Commit makes the supplier of an origin from the draft: fresh salts from
// rand for each field (so two deliveries of one smallholder have unrelated
// commitments), the commitments, and the disclosure that opens them (its
// Record left for the caller to set once the record is sealed).
func (d SupplierDraft) Commit(rand io.Reader) (*Supplier, Disclosure, error) {
	if err := d.Check(); err != nil {
		return nil, Disclosure{}, err
	}
	disc := Disclosure{Name: NormalizeSupplierText(d.Name), ID: NormalizeSupplierText(d.ID),
		NameSalt: make([]byte, SaltSize), IDSalt: make([]byte, SaltSize)}
	if _, err := io.ReadFull(rand, disc.NameSalt); err != nil {
		return nil, Disclosure{}, fmt.Errorf("protocol: supplier salt: %w", err)
	}
	if _, err := io.ReadFull(rand, disc.IDSalt); err != nil {
		return nil, Disclosure{}, fmt.Errorf("protocol: supplier salt: %w", err)
	}
	s := &Supplier{Kind: d.Kind, Scheme: d.Scheme,
		Name: CommitSupplier(FieldName, disc.NameSalt, disc.Name),
		ID:   CommitSupplier(FieldID, disc.IDSalt, disc.ID)}
	return s, disc, nil
}
