package protocol

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"
)

// maxDepth bounds the nesting of maps and arrays in a record.
const maxDepth = 16

// linkTag is the CBOR tag DAG-CBOR uses for CIDs.
const linkTag = 42

var (
	encMode cbor.EncMode
	decMode cbor.DecMode
	// lenientDec reads the envelope fields every version shares, ignoring
	// the others (checkCanonical has checked the encoding).
	lenientDec cbor.DecMode
)

func init() {
	var err error
	encMode, err = cbor.EncOptions{
		Sort:          cbor.SortLengthFirst,
		IndefLength:   cbor.IndefLengthForbidden,
		TagsMd:        cbor.TagsAllowed,
		NilContainers: cbor.NilContainerAsNull,
	}.EncMode()
	if err != nil {
		panic(err)
	}
	decMode, err = cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsAllowed,
		MaxNestedLevels:   maxDepth + 4,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
		UTF8:              cbor.UTF8RejectInvalid,
		FieldNameMatching: cbor.FieldNameMatchingCaseSensitive,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	lenientDec, err = cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsAllowed,
		MaxNestedLevels:   maxDepth + 4,
		UTF8:              cbor.UTF8RejectInvalid,
		FieldNameMatching: cbor.FieldNameMatchingCaseSensitive,
	}.DecMode()
	if err != nil {
		panic(err)
	}
}

// checkCanonical walks b and returns an error naming the first byte that is
// not strict DAG-CBOR: one definite-length item with shortest-form integers
// and lengths, no floats or other simple values except true, false and null,
// no tag but 42 (whose content must be a byte string holding 0x00 and a CID),
// text map keys sorted length-first with no duplicates, valid UTF-8, and
// nothing after the item.
func checkCanonical(b []byte) error {
	c := canonChecker{b: b}
	if err := c.item(0); err != nil {
		return err
	}
	if c.off != len(b) {
		return malformed(c.off, "%d trailing bytes after the record", len(b)-c.off)
	}
	return nil
}

type canonChecker struct {
	b   []byte
	off int
}

// head reads an item head and returns its major type and argument.
func (c *canonChecker) head() (major byte, arg uint64, start int, err error) {
	start = c.off
	if c.off >= len(c.b) {
		return 0, 0, start, malformed(start, "unexpected end of data")
	}
	ib := c.b[c.off]
	c.off++
	major, ai := ib>>5, ib&0x1f
	var n int
	switch {
	case ai < 24:
		return major, uint64(ai), start, nil
	case ai == 24:
		n = 1
	case ai == 25:
		n = 2
	case ai == 26:
		n = 4
	case ai == 27:
		n = 8
	case ai == 31:
		if major == 7 {
			return 0, 0, start, malformed(start, "unexpected break code")
		}
		return 0, 0, start, malformed(start, "indefinite-length item not allowed")
	default:
		return 0, 0, start, malformed(start, "reserved additional information %d", ai)
	}
	if len(c.b)-c.off < n {
		return 0, 0, start, malformed(start, "unexpected end of data in item head")
	}
	if major == 7 {
		// Floats (ai 25..27) and one-byte simple values (ai 24).
		if n > 1 {
			return 0, 0, start, malformed(start, "floating-point number not allowed")
		}
		return 0, 0, start, malformed(start, "simple value not allowed")
	}
	var v uint64
	switch n {
	case 1:
		v = uint64(c.b[c.off])
	case 2:
		v = uint64(binary.BigEndian.Uint16(c.b[c.off:]))
	case 4:
		v = uint64(binary.BigEndian.Uint32(c.b[c.off:]))
	case 8:
		v = binary.BigEndian.Uint64(c.b[c.off:])
	}
	c.off += n
	var min uint64
	switch n {
	case 1:
		min = 24
	case 2:
		min = 1 << 8
	case 4:
		min = 1 << 16
	case 8:
		min = 1 << 32
	}
	if v < min {
		return 0, 0, start, malformed(start, "integer or length not in shortest form")
	}
	return major, v, start, nil
}

func (c *canonChecker) bytesOf(n uint64, start int) ([]byte, error) {
	if n > uint64(len(c.b)-c.off) {
		return nil, malformed(start, "length %d runs past the end of data", n)
	}
	s := c.b[c.off : c.off+int(n)]
	c.off += int(n)
	return s, nil
}

func (c *canonChecker) item(depth int) error {
	if depth > maxDepth {
		return malformed(c.off, "nested deeper than %d levels", maxDepth)
	}
	major, arg, start, err := c.head()
	if err != nil {
		return err
	}
	switch major {
	case 0, 1:
		if major == 1 && arg > 1<<63-1 {
			return malformed(start, "negative integer out of the 64-bit range")
		}
		if major == 0 && arg > 1<<63-1 {
			return malformed(start, "integer out of the signed 64-bit range")
		}
		return nil
	case 2:
		_, err := c.bytesOf(arg, start)
		return err
	case 3:
		s, err := c.bytesOf(arg, start)
		if err != nil {
			return err
		}
		if !utf8.Valid(s) {
			return malformed(start, "text is not valid UTF-8")
		}
		return nil
	case 4:
		if arg > uint64(len(c.b)-c.off) {
			return malformed(start, "array of %d items runs past the end of data", arg)
		}
		for i := uint64(0); i < arg; i++ {
			if err := c.item(depth + 1); err != nil {
				return err
			}
		}
		return nil
	case 5:
		if arg > uint64(len(c.b)-c.off)/2 {
			return malformed(start, "map of %d entries runs past the end of data", arg)
		}
		var prev []byte
		for i := uint64(0); i < arg; i++ {
			kmajor, klen, kstart, err := c.head()
			if err != nil {
				return err
			}
			if kmajor != 3 {
				return malformed(kstart, "map key is not a text string")
			}
			key, err := c.bytesOf(klen, kstart)
			if err != nil {
				return err
			}
			if !utf8.Valid(key) {
				return malformed(kstart, "map key is not valid UTF-8")
			}
			if i > 0 {
				switch cmp := compareKeys(prev, key); {
				case cmp == 0:
					return malformed(kstart, "duplicate map key %q", key)
				case cmp > 0:
					return malformed(kstart, "map key %q out of order (keys sort by length, then bytes)", key)
				}
			}
			prev = key
			if err := c.item(depth + 1); err != nil {
				return err
			}
		}
		return nil
	case 6:
		if arg != linkTag {
			return malformed(start, "tag %d not allowed (only 42, a CID link)", arg)
		}
		tmajor, tlen, tstart, err := c.head()
		if err != nil {
			return err
		}
		if tmajor != 2 {
			return malformed(tstart, "tag 42 must hold a byte string")
		}
		content, err := c.bytesOf(tlen, tstart)
		if err != nil {
			return err
		}
		if len(content) == 0 || content[0] != 0 {
			return malformed(tstart, "tag 42 content must start with the identity multibase prefix 0x00")
		}
		if _, err := cidFromBytes(content[1:]); err != nil {
			return malformed(tstart, "tag 42: %v", err)
		}
		return nil
	case 7:
		switch arg {
		case 20, 21, 22:
			return nil
		case 23:
			return malformed(start, "undefined not allowed")
		default:
			return malformed(start, "simple value %d not allowed", arg)
		}
	}
	return malformed(start, "unknown major type %d", major)
}

// compareKeys orders map keys the DAG-CBOR way: shorter first, then bytewise.
func compareKeys(a, b []byte) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return bytes.Compare(a, b)
}
