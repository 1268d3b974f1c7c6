package provenance

import (
	"fmt"
	"strings"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol"
)

// msg is a message of the catalog (package i18n) with its parameters:
// what a reason, a summary or a finding says, in any language.
//
// Parameters are plain values: names, short IDs, quantities with their
// units, dates. A parameter whose name ends in "_key" holds the key of
// another message, rendered in the same language with the same
// parameters, that fills the parameter named without the suffix: a
// record's type ("type_key": "reason.type.process" fills {type}), or a
// clause that says why. A parameter whose name ends in "_list" holds
// items separated by newlines, joined in the language's way ("a, b and
// c") to fill the parameter named without the suffix.
type msg struct {
	key    string
	params map[string]string
}

// m makes a message from its key and name, value pairs; a value is
// formatted with fmt's %v.
func m(key string, kv ...any) msg {
	x := msg{key: key}
	if len(kv) > 0 {
		x.params = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			x.params[fmt.Sprint(kv[i])] = paramText(kv[i+1])
		}
	}
	return x
}

// coded is a quantity written with its unit's code ("21 TNE"), as
// reports' Numbers carry it for programs; as a parameter it is shown the
// way people read it ("21 t").
type coded string

// paramText formats a parameter's value: a quantity or a unit the way
// people read it ("21 t", Quantity.Text; "t", Unit.Symbol), anything else
// with fmt's %v.
func paramText(v any) string {
	switch q := v.(type) {
	case protocol.Quantity:
		return q.Text()
	case *protocol.Quantity:
		if q != nil {
			return q.Text()
		}
	case protocol.Unit:
		return q.Symbol()
	case coded:
		if x, err := protocol.ParseQuantity(string(q)); err == nil {
			return x.Text()
		}
		return string(q)
	}
	return fmt.Sprint(v)
}

// with returns x with one more parameter.
func (x msg) with(name string, value any) msg {
	p := make(map[string]string, len(x.params)+1)
	for k, v := range x.params {
		p[k] = v
	}
	p[name] = paramText(value)
	x.params = p
	return x
}

// nest returns x with y as its parameter name: y's key as name+"_key"
// and y's parameters.
func (x msg) nest(name string, y msg) msg {
	x = x.with(name+"_key", y.key)
	for k, v := range y.params {
		x.params[k] = v
	}
	return x
}

// in renders x in l.
func (x msg) in(l i18n.Lang) string { return render(l, x.key, x.params) }

// en renders x in English, for the Text fields.
func (x msg) en() string { return x.in(i18n.English) }

// typeKey is the key of the message naming a record type.
func typeKey(t protocol.Type) string { return "reason.type." + string(t) }

// render fills message key in l with params, first rendering every
// "_key" parameter (nested ones too, up to three deep).
func render(l i18n.Lang, key string, params map[string]string) string {
	if key == "" {
		return ""
	}
	var p map[string]string
	own := func() {
		if p == nil {
			p = make(map[string]string, len(params)*2)
			for k, v := range params {
				p[k] = v
			}
		}
	}
	for k, v := range params {
		if name, ok := strings.CutSuffix(k, "_list"); ok {
			own()
			p[name] = joinList(l, strings.Split(v, "\n"))
		}
	}
	for round := 0; round < 3; round++ {
		nested := false
		for k, v := range params {
			if name, ok := strings.CutSuffix(k, "_key"); ok {
				own()
				p[name] = i18n.TMap(l, v, p)
				nested = true
			}
		}
		if !nested {
			break
		}
	}
	if p == nil {
		p = params
	}
	return i18n.TMap(l, key, p)
}

// list makes the value of a "_list" parameter.
func list(items []string) string { return strings.Join(items, "\n") }

// joinList joins items for a sentence in l: "a", "a and b", "a, b and c".
func joinList(l i18n.Lang, items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return i18n.T(l, "reason.list", "items", strings.Join(items[:len(items)-1], ", "), "last", items[len(items)-1])
}
