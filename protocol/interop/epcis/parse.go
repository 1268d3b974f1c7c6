package epcis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits bounds what Import reads. The zero value of each field means its
// default.
type Limits struct {
	// MaxBytes bounds the document's size; zero means DefaultMaxBytes.
	MaxBytes int64
	// MaxDepth bounds how deeply arrays and objects nest; zero means
	// DefaultMaxDepth.
	MaxDepth int
	// MaxItems bounds the items of one array and the members of one
	// object; zero means DefaultMaxItems.
	MaxItems int
	// MaxValues bounds the values in the whole document (every string,
	// number, array, object …); zero means DefaultMaxValues. Memory grows
	// with it: 64 bytes a value, twice that while the tree is built.
	MaxValues int
}

// The default limits: a document of 16 MiB, nesting 64 deep, 100,000
// items in one array, a million values in all. A document of EPCIS events
// nests about 10 deep, and 16 MiB holds some 10,000 events.
const (
	DefaultMaxBytes  = 16 << 20
	DefaultMaxDepth  = 64
	DefaultMaxItems  = 100_000
	DefaultMaxValues = 1_000_000
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxItems <= 0 {
		l.MaxItems = DefaultMaxItems
	}
	if l.MaxValues <= 0 {
		l.MaxValues = DefaultMaxValues
	}
	return l
}

// parse reads one JSON document from r within lim. Its errors are a
// *LimitError (ErrTooLarge), a *PathError (ErrMalformed) or the reader's
// own.
//
// It reads in three passes, each linear: reading checks the size and the
// nesting as the bytes arrive, so an oversized or deeply nested document
// is refused as soon as it shows itself; encoding/json then checks the
// syntax; last the tree is built, counting items and values before it
// allocates them.
func parse(r io.Reader, lim Limits) (*node, error) {
	lim = lim.withDefaults()
	buf, err := readBounded(r, lim)
	if err != nil {
		return nil, err
	}
	if !json.Valid(buf) {
		return nil, syntaxError(buf)
	}
	b := &builder{src: string(buf), lim: lim}
	buf = nil
	b.space()
	root, err := b.value(0)
	if err != nil {
		return nil, err
	}
	return &root, nil
}

// readBounded reads all of r, refusing it once it passes lim.MaxBytes or
// nests deeper than lim.MaxDepth. It reads at most MaxBytes and one byte.
func readBounded(r io.Reader, lim Limits) ([]byte, error) {
	buf := make([]byte, 0, min(lim.MaxBytes+1, 64<<10))
	var sc depthScan
	for {
		if int64(len(buf)) > lim.MaxBytes {
			return nil, &LimitError{Msg: fmt.Sprintf("the document is larger than %s", sizeText(lim.MaxBytes))}
		}
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, int(min(int64(cap(buf)), lim.MaxBytes+1-int64(len(buf)))))
		}
		want := min(int64(cap(buf)), lim.MaxBytes+1)
		n, err := r.Read(buf[len(buf):want])
		if n > 0 {
			if at, deep := sc.scan(buf[len(buf):len(buf)+n], lim.MaxDepth); deep {
				return nil, &LimitError{Msg: fmt.Sprintf("arrays and objects nest more than %d deep (at byte %d)", lim.MaxDepth, int64(len(buf))+int64(at))}
			}
		}
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			if int64(len(buf)) > lim.MaxBytes {
				return nil, &LimitError{Msg: fmt.Sprintf("the document is larger than %s", sizeText(lim.MaxBytes))}
			}
			return buf, nil
		}
		if err != nil {
			return nil, fmt.Errorf("epcis: import: read: %w", err)
		}
	}
}

// depthScan follows how deeply the bytes read so far nest, outside
// strings.
type depthScan struct {
	depth    int
	inString bool
	escaped  bool
}

// scan reads p and reports the offset where nesting passes max.
func (s *depthScan) scan(p []byte, max int) (int, bool) {
	for i, c := range p {
		switch {
		case s.escaped:
			s.escaped = false
		case s.inString:
			switch c {
			case '\\':
				s.escaped = true
			case '"':
				s.inString = false
			}
		case c == '"':
			s.inString = true
		case c == '[' || c == '{':
			s.depth++
			if s.depth > max {
				return i, true
			}
		case c == ']' || c == '}':
			s.depth--
		}
	}
	return 0, false
}

// syntaxError says where buf stops being JSON.
func syntaxError(buf []byte) error {
	var raw json.RawMessage
	err := json.Unmarshal(buf, &raw)
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		off := int(min(syn.Offset, int64(len(buf))))
		line := 1 + bytes.Count(buf[:off], []byte{'\n'})
		col := off - bytes.LastIndexByte(buf[:off], '\n')
		if off >= len(buf) || strings.Contains(syn.Error(), "end of JSON input") {
			return &PathError{Msg: "not JSON: the document ends too early"}
		}
		return &PathError{Msg: fmt.Sprintf("not JSON at line %d, column %d: %v", line, col, syn)}
	}
	return &PathError{Msg: "not JSON"}
}

// builder makes the tree of a document that is valid JSON and nests no
// deeper than the limit.
type builder struct {
	src     string
	pos     int
	lim     Limits
	values  int
	scratch []node    // items of the arrays and objects being built
	path    []segment // where the builder is, for errors
}

// segment is one step of a JSON path: a member name, or an index.
type segment struct {
	key   string
	index int // -1 for a member
}

func (b *builder) where() string {
	var s strings.Builder
	for _, g := range b.path {
		if g.index >= 0 {
			s.WriteString("[" + strconv.Itoa(g.index) + "]")
		} else {
			s.WriteString(pathKey(g.key))
		}
	}
	return strings.TrimPrefix(s.String(), ".")
}

func (b *builder) space() {
	for b.pos < len(b.src) {
		switch b.src[b.pos] {
		case ' ', '\t', '\n', '\r':
			b.pos++
		default:
			return
		}
	}
}

// value reads the value at pos, nested depth deep, and the space after it.
func (b *builder) value(depth int) (node, error) {
	b.values++
	if b.values > b.lim.MaxValues {
		return node{}, &LimitError{Path: b.where(), Msg: fmt.Sprintf("the document has more than %d values", b.lim.MaxValues)}
	}
	var n node
	switch c := b.src[b.pos]; {
	case c == '{' || c == '[':
		var err error
		if n, err = b.container(depth + 1); err != nil {
			return node{}, err
		}
	case c == '"':
		n = node{kind: kString, text: b.str()}
	case c == 't':
		n, b.pos = node{kind: kBool, text: "true"}, b.pos+4
	case c == 'f':
		n, b.pos = node{kind: kBool, text: "false"}, b.pos+5
	case c == 'n':
		n, b.pos = node{kind: kNull}, b.pos+4
	default:
		start := b.pos
		for b.pos < len(b.src) && strings.IndexByte("+-0123456789.eE", b.src[b.pos]) >= 0 {
			b.pos++
		}
		n = node{kind: kNumber, text: b.src[start:b.pos]}
	}
	b.space()
	return n, nil
}

// str reads a string literal at pos.
func (b *builder) str() string {
	start := b.pos
	b.pos++
	plain := true
	for b.src[b.pos] != '"' {
		if b.src[b.pos] == '\\' {
			plain = false
			b.pos++
		}
		b.pos++
	}
	b.pos++
	lit := b.src[start:b.pos]
	if plain && utf8.ValidString(lit) {
		return lit[1 : len(lit)-1]
	}
	var s string
	_ = json.Unmarshal([]byte(lit), &s) // valid JSON: it cannot fail
	return s
}

// container reads an array or an object at pos.
func (b *builder) container(depth int) (node, error) {
	obj := b.src[b.pos] == '{'
	n := node{kind: kArray}
	if obj {
		n.kind = kObject
	}
	b.pos++
	b.space()
	mark := len(b.scratch)
	var seen map[string]bool
	for b.src[b.pos] != ']' && b.src[b.pos] != '}' {
		count := len(b.scratch) - mark
		if count >= b.lim.MaxItems {
			what := "an array has more than %d items"
			if obj {
				what = "an object has more than %d members"
			}
			return node{}, &LimitError{Path: b.where(), Msg: fmt.Sprintf(what, b.lim.MaxItems)}
		}
		seg := segment{index: count}
		if obj {
			seg = segment{key: b.str(), index: -1}
			b.space()
			b.pos++ // ':'
			b.space()
		}
		b.path = append(b.path, seg)
		if obj {
			if seen == nil && count >= 16 {
				seen = make(map[string]bool, 2*count)
				for _, k := range b.scratch[mark:] {
					seen[k.key] = true
				}
			}
			dup := seen[seg.key]
			if seen != nil {
				seen[seg.key] = true
			} else {
				for _, k := range b.scratch[mark:] {
					dup = dup || k.key == seg.key
				}
			}
			if dup {
				return node{}, &PathError{Path: b.where(), Msg: "the name appears twice in one object"}
			}
		}
		v, err := b.value(depth)
		if err != nil {
			return node{}, err
		}
		b.path = b.path[:len(b.path)-1]
		v.key = seg.key
		b.scratch = append(b.scratch, v)
		if b.src[b.pos] == ',' {
			b.pos++
			b.space()
		}
	}
	b.pos++
	if len(b.scratch) > mark {
		n.kids = make([]node, len(b.scratch)-mark)
		copy(n.kids, b.scratch[mark:])
		clear(b.scratch[mark:])
		b.scratch = b.scratch[:mark]
	}
	return n, nil
}

// pathKey returns the path segment for member k: ".k", or `["k"]` when k
// has characters that would make the path ambiguous.
func pathKey(k string) string {
	plain := k != ""
	for _, r := range k {
		if !(r == '_' || r == '-' || r == ':' || r == '@' || r == '#' || r >= '0' && r <= '9' ||
			r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			plain = false
			break
		}
	}
	if plain {
		return "." + k
	}
	q, _ := json.Marshal(k)
	return "[" + string(q) + "]"
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
