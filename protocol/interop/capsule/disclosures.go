package capsule

import (
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"

	"github.com/jejak/jejak/protocol"
)

// VersionDisclosures is the capsule format that carries disclosures: the
// clear names and IDs of suppliers who run no Jejak, with the salts that
// open their origins' commitments. A capsule without disclosures is
// written in format 1, which every release reads.
const VersionDisclosures = 2

// maxDisclosureBlock bounds one block of disclosures: like a record, it
// fits in one section a reader takes.
const maxDisclosureBlock = protocol.MaxRecordSize

// maxDisclosureBlocks bounds the disclosure blocks a manifest may name.
const maxDisclosureBlocks = 1024

// disclosuresWire is one block of disclosures.
type disclosuresWire struct {
	Disclosures []protocol.Disclosure `cbor:"jejak_disclosures"`
}

var discDec cbor.DecMode

func init() {
	var err error
	if discDec, err = (cbor.DecOptions{DupMapKey: cbor.DupMapKeyEnforcedAPF, IndefLength: cbor.IndefLengthForbidden,
		TagsMd: cbor.TagsAllowed, MaxNestedLevels: 8, MaxArrayElements: maxDisclosureBlocks * 4, MaxMapPairs: 16,
		UTF8: cbor.UTF8RejectInvalid}).DecMode(); err != nil {
		panic(err)
	}
}

// disclosureBlocks encodes ds into blocks of at most maxDisclosureBlock
// bytes each.
func disclosureBlocks(ds []protocol.Disclosure) ([][]byte, error) {
	var blocks [][]byte
	var cur []protocol.Disclosure
	var last []byte
	for i, d := range ds {
		if d.Record.IsZero() {
			return nil, fmt.Errorf("disclosure %d names no record", i)
		}
		b, err := encMode.Marshal(disclosuresWire{append(cur, d)})
		if err != nil {
			return nil, fmt.Errorf("disclosure %d: %w", i, err)
		}
		if len(b) > maxDisclosureBlock {
			if len(cur) == 0 {
				return nil, fmt.Errorf("disclosure %d (record %s) is larger than a block", i, d.Record)
			}
			blocks = append(blocks, last)
			cur = nil
			if b, err = encMode.Marshal(disclosuresWire{[]protocol.Disclosure{d}}); err != nil {
				return nil, fmt.Errorf("disclosure %d: %w", i, err)
			}
		}
		cur, last = append(cur, d), b
	}
	if len(cur) > 0 {
		blocks = append(blocks, last)
	}
	if len(blocks) > maxDisclosureBlocks {
		return nil, fmt.Errorf("%d blocks of disclosures, more than the %d a capsule holds", len(blocks), maxDisclosureBlocks)
	}
	return blocks, nil
}

// readDisclosures decodes one block of disclosures.
func readDisclosures(data []byte) ([]protocol.Disclosure, error) {
	var w disclosuresWire
	if err := discDec.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("a block of disclosures that cannot be read: %v", err)
	}
	if len(w.Disclosures) == 0 {
		return nil, errors.New("an empty block of disclosures")
	}
	for i, d := range w.Disclosures {
		if d.Record.IsZero() {
			return nil, fmt.Errorf("disclosure %d names no record", i)
		}
	}
	return w.Disclosures, nil
}
