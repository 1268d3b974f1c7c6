package epcis

import (
	"encoding/json"
	"strings"
)

// kind is the JSON type of a node.
type kind uint8

const (
	kNull kind = iota
	kBool
	kNumber
	kString
	kArray
	kObject
)

func (k kind) String() string {
	return [...]string{"null", "a boolean", "a number", "a string", "an array", "an object"}[k]
}

// node is one JSON value of a document being imported. Objects keep their
// members in document order. The importer marks each node it reads as
// used; whatever is left unused is listed as unmapped. A node is 64 bytes:
// strings and numbers are substrings of the document, not copies.
type node struct {
	kind kind
	used bool   // the importer read it
	text string // a string's value, a number's literal, "true" or "false"
	key  string // the member name, for an object's member
	kids []node // array items, or object members
}

// member returns the member named k, or nil. The importer looks up a
// fixed set of names, so a linear search stays linear in the document.
func (n *node) member(k string) *node {
	if n == nil || n.kind != kObject {
		return nil
	}
	for i := range n.kids {
		if n.kids[i].key == k {
			return &n.kids[i]
		}
	}
	return nil
}

// useAll marks n and everything in it as used.
func (n *node) useAll() {
	n.used = true
	for i := range n.kids {
		n.kids[i].useAll()
	}
}

// compact returns n as compact JSON, cut at about max bytes.
func (n *node) compact(max int) string {
	var b strings.Builder
	n.write(&b, max)
	s := b.String()
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8Start(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func utf8Start(c byte) bool { return c&0xC0 != 0x80 }

func (n *node) write(b *strings.Builder, max int) {
	if b.Len() > max {
		return
	}
	switch n.kind {
	case kNull:
		b.WriteString("null")
	case kBool, kNumber:
		b.WriteString(n.text)
	case kString:
		q, _ := json.Marshal(n.text)
		b.Write(q)
	case kArray:
		b.WriteByte('[')
		for i := range n.kids {
			if i > 0 {
				b.WriteByte(',')
			}
			n.kids[i].write(b, max)
			if b.Len() > max {
				return
			}
		}
		b.WriteByte(']')
	case kObject:
		b.WriteByte('{')
		for i := range n.kids {
			if i > 0 {
				b.WriteByte(',')
			}
			q, _ := json.Marshal(n.kids[i].key)
			b.Write(q)
			b.WriteByte(':')
			n.kids[i].write(b, max)
			if b.Len() > max {
				return
			}
		}
		b.WriteByte('}')
	}
}
